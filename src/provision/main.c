// SPDX-License-Identifier: GPL-3.0-or-later
// `sealcall-provision`: the provisioning command on its own, for machines that only prepare
// bundles (the operator's, not the appliance) and for tests; `sealcall provision` is the same.
#include "provision/provision.h"

int main(int argc, char **argv)
{
	return sc_provision_main(argc, argv);
}
