/*
 * main.c - the mmkit command line.
 *
 *   mmkit run [--plain] [--ram SIZE] [--cpus N] [--levels N] [--seed N] FILE
 *   mmkit shell [--ram SIZE] [--cpus N] [--levels N] [--seed N]
 *   mmkit help
 *
 * Exit status of run: 0, 1 (a failed expect=), 2 (script error, bad usage).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/scenario.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmkit run [--plain] [--ram SIZE] [--cpus N] [--levels N] [--seed N] FILE\n"
		"       mmkit shell [--ram SIZE] [--cpus N] [--levels N] [--seed N]\n"
		"       mmkit help            list the scenario commands\n"
		"FILE may be - for standard input.  See docs/ and examples/tour.mm.\n");
}

static int parse_flag(struct scenario *sc, const char *flag, const char *val)
{
	static const char *const names[] = { "--ram", "--cpus", "--levels", "--seed" };
	struct machine_config cfg = sc->cfg;
	const char *why;
	u64 v;
	int k;

	for (k = 0; k < 4 && strcmp(flag, names[k]); k++)
		;
	if (k == 4) {
		fprintf(stderr, "mmkit: unknown option '%s'\n", flag);
		return 2;
	}
	if (!val || cli_parse_num(sc, val, &v)) {
		fprintf(stderr, "mmkit: %s needs a number\n", flag);
		return 2;
	}
	if (k == CFG_RAM) cfg.ram_bytes = v;
	else if (k == CFG_CPUS) cfg.cpus = (int)min(v, 1000ULL);
	else if (k == CFG_LEVELS) cfg.levels = (int)min(v, 1000ULL);
	else cfg.seed = v;
	if (machine_config_check(&cfg, &why)) {
		fprintf(stderr, "mmkit: %s %s: %s\n", flag, val, why);
		return 2;
	}
	sc->cfg = cfg;
	sc->cfg_locked[k] = true;
	return 0;
}

/* Parse options from argv[i]; returns the index of the first operand or -1. */
static int parse_options(struct scenario *sc, int argc, char **argv, int i)
{
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--plain")) {
			sc->plain = true;
			continue;
		}
		if (parse_flag(sc, argv[i], i + 1 < argc ? argv[i + 1] : NULL))
			return -1;
		i++;
	}
	return i;
}

static int cmd_run(int argc, char **argv)
{
	static struct scenario sc;
	int i, ret;

	scenario_init(&sc, NULL, stdout);
	i = parse_options(&sc, argc, argv, 2);
	if (i < 0)
		return 2;
	if (i != argc - 1) {
		usage(stderr);
		return 2;
	}
	sc.file = argv[i];
	sc.color = !sc.plain && isatty(STDOUT_FILENO);
	ret = scenario_run_file(&sc, argv[i]);
	scenario_finish(&sc);
	return ret;
}

static int cmd_shell(int argc, char **argv)
{
	static struct scenario sc;
	int i, ret;

	scenario_init(&sc, "shell", stdout);
	i = parse_options(&sc, argc, argv, 2);
	if (i != argc) {
		usage(stderr);
		return 2;
	}
	sc.interactive = true;
	sc.color = isatty(STDOUT_FILENO);
	ret = shell_main(&sc);
	scenario_finish(&sc);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "shell"))
		return cmd_shell(argc, argv);
	if (argc == 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help"))) {
		static struct scenario sc;
		int ret;

		usage(stdout);
		printf("\nscenario commands:\n");
		scenario_init(&sc, "help", stdout);
		sc.plain = true;
		ret = scenario_line(&sc, 1, "help");
		scenario_finish(&sc);
		return ret;
	}
	usage(stderr);
	return 2;
}
