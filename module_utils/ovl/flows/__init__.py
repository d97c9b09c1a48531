# -*- coding: utf-8 -*-
"""OpenFlow rules owned by the project (cookies): model, read, plan."""
