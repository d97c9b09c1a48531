# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""ovl: the core of the overlay network modules (one package, subpackages by concern)."""
