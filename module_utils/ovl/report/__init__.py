# -*- coding: utf-8 -*-
# SPDX-License-Identifier: Apache-2.0
"""Reports (controller side): the drift report and the topology view."""
