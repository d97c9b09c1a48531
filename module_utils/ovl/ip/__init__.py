# -*- coding: utf-8 -*-
"""Links, addresses, routes and namespaces: model, rtnetlink read, plan, ip -batch exec."""
