# -*- coding: utf-8 -*-
"""ovl: the core of the overlay network modules (one package, subpackages by concern)."""
