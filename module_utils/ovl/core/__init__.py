# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Generic pieces every module shares: validation, the argv runner, results, namespaces, marks."""
