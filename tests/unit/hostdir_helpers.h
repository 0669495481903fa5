/*
 * hostdir_helpers.h - shared by test_swap.c and test_hostfs.c: boot a
 * machine with a host directory to mount (a fresh mkdtemp under $TMPDIR or
 * /tmp), and a cmocka teardown that shuts the machine down and removes the
 * directory.  Include after <cmocka.h>.
 */
#ifndef MMKIT_TEST_HOSTDIR_HELPERS_H
#define MMKIT_TEST_HOSTDIR_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include "mmkit/machine.h"

static char hostdir[256];

/* Boot a machine of ram bytes; hostdir becomes a new mmkit-test-TAG-XXXXXX. */
static inline void boot_with_hostdir(unsigned long ram, const char *tag)
{
	struct machine_config cfg = MACHINE_CONFIG_DEFAULT;
	const char *why;

	cfg.ram_bytes = ram;
	assert_int_equal(machine_boot(&cfg, &why), 0);
	mmk->log = NULL;
	snprintf(hostdir, sizeof(hostdir), "%s/mmkit-test-%s-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", tag);
	assert_non_null(mkdtemp(hostdir));
}

static inline int teardown_hostdir(void **state)
{
	char cmd[sizeof(hostdir) + 16];

	(void)state;
	machine_shutdown();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", hostdir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

#endif
