# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""The inventory (controller side): tenant files loaded and validated, host
and play variables validated, into the model (``ovl.tenant.model``)."""
