// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/daemon.h"

int main(int argc, char **argv)
{
	return sc_daemon_main(argc, argv);
}
