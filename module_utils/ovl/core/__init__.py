# -*- coding: utf-8 -*-
"""Generic pieces every module shares: validation, the argv runner, results, namespaces, marks."""
