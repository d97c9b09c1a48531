# -*- coding: utf-8 -*-
"""SNAT and inbound blocks with iptables or nft: model, syntax, read, plan."""
