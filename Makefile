# make demo   - install everything, bring up the two-host lab, run site.yml, print the matrix
# make test   - lint, ansible-test sanity, unit, functional and Molecule tests (installs what it needs)
SHELL := /bin/bash
VENV  := $(CURDIR)/.venv
BIN   := $(VENV)/bin
export PATH := $(BIN):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
MODULES := $(basename $(notdir $(wildcard library/*.py)))
PYTEST  := $(BIN)/pytest -q -p no:cacheprovider

.PHONY: deps lab-deps lint docs-check sanity unit functional molecule molecule-port molecule-kernel \
        molecule-flow molecule-ovn test test-faults demo demo-down bench clean test-kvm bench-kvm collection topology \
        reference

deps:
	scripts/bootstrap.sh

lab-deps: deps
	scripts/docker-engine.sh
	scripts/host-image.sh
	scripts/host-image.sh stock

lint: deps docs-check
	$(BIN)/yamllint -s .
	$(BIN)/ansible-lint --offline -q

docs-check: deps
	@for m in $(MODULES); do \
	  $(BIN)/ansible-doc -M library $$m >/dev/null || { echo "ansible-doc failed: $$m"; exit 1; }; \
	done; echo "ansible-doc renders: $(MODULES)"

# ansible-test sanity (validate-modules, pylint, pep8, import, ...) on the
# collection (`make collection`) installed from its tarball under .cache/sanity/; offline.
sanity: deps
	scripts/sanity.sh

# The collection ovl.overlay (galaxy.yml): .cache/collection/ovl-overlay-<version>.tar.gz,
# FQCNs inside; install it with `ansible-galaxy collection install --offline <tarball>`.
collection: deps
	scripts/collection.sh

unit: deps
	$(PYTEST) tests/unit tests/lab

functional: deps
	$(PYTEST) tests/functional

# The three-host fleet scenario (molecule/default), once per tunnel mode.
# The OVN backend on the same lab (molecule/ovn).
molecule: molecule-port molecule-kernel molecule-flow molecule-ovn

molecule-port molecule-kernel molecule-flow: molecule-%: lab-deps
	cd $(CURDIR) && OVL_TUNNEL_MODE=$* $(BIN)/molecule test -s default

molecule-ovn: lab-deps
	cd $(CURDIR) && $(BIN)/molecule test -s ovn

# Each phase timed (scripts/phase.sh); the table is printed at the end.
test:
	@rm -f .cache/phases.txt
	@scripts/phase.sh deps $(MAKE) -s deps
	@scripts/phase.sh lab-deps $(MAKE) -s lab-deps
	@scripts/phase.sh lint $(MAKE) -s lint
	@scripts/phase.sh sanity $(MAKE) -s sanity
	@scripts/phase.sh unit $(MAKE) -s unit
	@scripts/phase.sh functional $(MAKE) -s functional
	@scripts/phase.sh molecule-port $(MAKE) -s molecule-port
	@scripts/phase.sh molecule-kernel $(MAKE) -s molecule-kernel
	@scripts/phase.sh molecule-flow $(MAKE) -s molecule-flow
	@scripts/phase.sh molecule-ovn $(MAKE) -s molecule-ovn
	@echo "make test phases:"; cat .cache/phases.txt

# Reliability (issue 12): generated bad input (hypothesis, no hosts), then the
# faults lab (tests/faults/lab.py: three hosts with foreign objects) with
# faults between and during runs; the README's table is printed at the end.
test-faults: lab-deps
	@rm -rf .cache/faults
	$(PYTEST) tests/faults
	$(BIN)/python tests/faults/report.py

# The product on real kernels (molecule/kvm): QEMU guests of scripts/kvm-lab.sh,
# kernel OVS datapath, Ansible over OpenSSH, a reboot. Not part of `make test`
# (docs/kvm-lab.md has its times). Each phase is timed; the table is printed at
# the end and kept in .cache/kvm-phases.txt, the full log in .cache/kvm-molecule.log.
# OVL_TUNNEL_MODE=kernel make test-kvm: tunnel mode kernel (no Geneve tenant).
test-kvm: deps
	scripts/kvm-image.sh >/dev/null
	$(BIN)/python molecule/kvm/timed.py --table .cache/kvm-phases.txt --log .cache/kvm-molecule.log \
	  --accel .cache/kvm-lab/ovkm/accel -- $(BIN)/molecule test -s kvm

# iperf3 between two tenant endpoints across the overlay vs the guests'
# underlay, on the converged molecule/kvm lab; the lab is removed afterwards.
bench-kvm: deps
	@rm -f .cache/kvm-bench.json
	scripts/kvm-image.sh >/dev/null
	$(BIN)/molecule destroy -s kvm >/dev/null
	$(BIN)/molecule converge -s kvm && OVL_KVM_SIDE_EFFECT=bench.yml $(BIN)/molecule side-effect -s kvm; \
	  rc=$$?; $(BIN)/molecule destroy -s kvm >/dev/null; \
	  [ -s .cache/kvm-bench.json ] && [ $$rc -eq 0 ] && echo "figures: .cache/kvm-bench.json"; exit $$rc

demo: lab-deps
	scripts/demo.sh up

# docs/reference.md from the schema, the roles' argument specs, the modules'
# docs and the code's constants (make unit fails when it is out of date).
reference: deps
	$(BIN)/python scripts/reference.py --write

# The topology picture of the inventory (playbooks/topology.yml): .cache/topology/
# topology.svg, .png, .dot and the text in the terminal. No host is contacted,
# unless LIVE=1: then the hosts are read in check mode and drift is marked.
topology: deps
	$(BIN)/ansible-playbook playbooks/topology.yml $(if $(filter 1,$(LIVE)),-e ovl_topology_live=true)

demo-down:
	scripts/demo.sh down

bench: lab-deps
	$(BIN)/python bench/run.py

clean: demo-down
	rm -rf .pytest_cache
