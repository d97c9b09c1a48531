# -*- coding: utf-8 -*-
"""Open vSwitch bridges and ports: model, one-process read, planners, one-transaction exec."""
