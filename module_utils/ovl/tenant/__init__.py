# -*- coding: utf-8 -*-
"""The tenant inventory (controller side): load, validate, and per-host desired state."""
