/*
 * main.c - the mmkit command line: subcommands and their options, parsed
 * with getopt_long (so --ram=64M and --ram 64M both work, options may follow
 * the file, and -- ends them).
 *
 *   mmkit run [OPTIONS] FILE      run a scenario (FILE - is standard input)
 *   mmkit shell [OPTIONS]         the same language interactively
 *   mmkit help [COMMAND|views]    help, without booting a machine
 *   mmkit mkswap PATH SIZE [-L LABEL] [-U UUID]   a swap area on a host file
 *   mmkit --version | --help
 *
 * Exit status (documented in --help and mmkit(1)): 0 success, 1 a failed
 * expect= (or a failed invariant check in a debug build), 2 a script error,
 * a usage error or a file that cannot be read.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/scenario.h"

#ifndef MMKIT_VERSION
#define MMKIT_VERSION "0.1"
#endif

enum {
	OPT_PLAIN = 256,
	OPT_JSON,
	OPT_RAM,
	OPT_CPUS,
	OPT_LEVELS,
	OPT_SEED,
	OPT_ZERO_PAGE,
	OPT_VERSION
};

static const struct option long_opts[] = { { "plain", no_argument, NULL, OPT_PLAIN },
					   { "json", no_argument, NULL, OPT_JSON },
					   { "verbose", no_argument, NULL, 'v' },
					   { "quiet", no_argument, NULL, 'q' },
					   { "ram", required_argument, NULL, OPT_RAM },
					   { "cpus", required_argument, NULL, OPT_CPUS },
					   { "levels", required_argument, NULL, OPT_LEVELS },
					   { "seed", required_argument, NULL, OPT_SEED },
					   { "zero-page", required_argument, NULL, OPT_ZERO_PAGE },
					   { "help", no_argument, NULL, 'h' },
					   { "version", no_argument, NULL, OPT_VERSION },
					   { NULL, 0, NULL, 0 } };

static const char *const machine_opt_names[] = { "ram", "cpus", "levels", "seed" };
static const char *const subcommands[] = { "run", "shell", "help", "mkswap", "exec" };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmkit run [OPTIONS] FILE     run a scenario (FILE - reads standard input)\n"
		"       mmkit shell [OPTIONS]        the scenario language, interactively\n"
		"       mmkit exec [OPTIONS] -- PROGRAM [ARGS]  run a static x86-64 program on the machine\n"
		"       mmkit help [COMMAND|views]   every scenario command, one command, the views\n"
		"       mmkit mkswap PATH SIZE [-L LABEL] [-U UUID]   a swap area on a host file\n"
		"       mmkit --version\n"
		"\n"
		"options:\n"
		"  --ram=SIZE       RAM of the machine (default 64M; K, M, G, T suffixes)\n"
		"  --cpus=N         simulated CPUs (default 1)\n"
		"  --levels=N       paging levels: 2, 3, 4 (default) or 5\n"
		"  --seed=N         random seed (default 1)\n"
		"  --zero-page=0    a kernel without the shared zero page (default 1: used)\n"
		"  --plain          result lines and views only: stable output to compare\n"
		"  --json           one JSON object per result, view and death (docs/GUIDE.md)\n"
		"  -v, --verbose    also print the boot log and every kernel message\n"
		"  -q, --quiet      results only: no kernel messages on stderr\n"
		"  -h, --help       this text\n"
		"The options override the scenario's `machine` line.  Colour only on a\n"
		"terminal, never when NO_COLOR is set.\n"
		"\n"
		"exit status: 0 success, 1 a failed expect=, 2 a script error, a usage\n"
		"error or an unreadable file.  See mmkit(1) and docs/GUIDE.md.\n");
}

/* "mmkit: unknown command 'x'; did you mean 'y'?" and the usage hint. */
static int usage_error(const char *fmt, const char *word, const char *hint)
{
	fprintf(stderr, "mmkit: ");
	fprintf(stderr, fmt, word);
	fprintf(stderr, "%s\nTry 'mmkit --help'.\n", hint);
	return 2;
}

static const char *option_hint(const char *arg, char *buf, size_t len)
{
	char dashed[32];
	struct suggest sg;
	char name[64];
	size_t i;

	snprintf(name, sizeof(name), "%s", arg);
	name[strcspn(name, "=")] = 0;
	suggest_init(&sg, name);
	for (i = 0; long_opts[i].name; i++) {
		snprintf(dashed, sizeof(dashed), "--%s", long_opts[i].name);
		suggest_add(&sg, dashed);
	}
	return suggest_hint(&sg, buf, len);
}

/* A machine option: parse, check the whole configuration, lock it. */
static int machine_option(struct scenario *sc, int k, const char *flag, const char *val)
{
	struct machine_config cfg = sc->cfg;
	const char *why;
	u64 v;
	int err = cli_parse_num(sc, val, &v);

	if (err) {
		fprintf(stderr, "mmkit: --%s: %s '%s'\n", flag,
			err == -ERANGE ? "number out of range" : "not a number", val);
		return 2;
	}
	if (k == CFG_RAM)
		cfg.ram_bytes = v;
	else if (k == CFG_CPUS)
		cfg.cpus = (int)min(v, 1000ULL);
	else if (k == CFG_LEVELS)
		cfg.levels = (int)min(v, 1000ULL);
	else
		cfg.seed = v;
	if (machine_config_check(&cfg, &why)) {
		fprintf(stderr, "mmkit: --%s=%s: %s\n", flag, val, why);
		return 2;
	}
	sc->cfg = cfg;
	sc->cfg_locked[k] = true;
	return 0;
}

/* --zero-page=0|1: the machine line's zero_page, locked. */
static int zero_page_option(struct scenario *sc, const char *val)
{
	if (strcmp(val, "0") && strcmp(val, "1")) {
		fprintf(stderr, "mmkit: --zero-page: '%s': give 0 or 1\n", val);
		return 2;
	}
	sc->cfg.no_zero_page = val[0] == '0';
	sc->zero_page_locked = true;
	return 0;
}

/* Parse the options of a subcommand from argv[1] on (argv[0] is the
 * subcommand).  Returns the index of the first operand, or -1 after an
 * error, or -2 after --help / --version. */
static int parse_options(struct scenario *sc, int argc, char **argv)
{
	char hint[96];
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":vqh", long_opts, NULL)) != -1) {
		switch (ch) {
		case OPT_PLAIN:
			sc->plain = true;
			break;
		case OPT_JSON:
			sc->json = true;
			break;
		case 'v':
			sc->verbosity = SC_VERBOSE;
			break;
		case 'q':
			sc->verbosity = SC_QUIET;
			break;
		case OPT_RAM:
		case OPT_CPUS:
		case OPT_LEVELS:
		case OPT_SEED:
			if (machine_option(sc, ch - OPT_RAM, machine_opt_names[ch - OPT_RAM],
					   optarg))
				return -1;
			break;
		case OPT_ZERO_PAGE:
			if (zero_page_option(sc, optarg))
				return -1;
			break;
		case 'h':
			usage(stdout);
			return -2;
		case OPT_VERSION:
			printf("mmkit %s\n", MMKIT_VERSION);
			return -2;
		case ':':
			fprintf(stderr, "mmkit %s: option '%s' needs a value\n", argv[0],
				argv[optind - 1]);
			return -1;
		default:
			if (optopt) {
				char shortopt[2] = { (char)optopt, 0 };

				usage_error("unknown option '-%s'", shortopt, "");
			} else
				usage_error("unknown option '%s'", argv[optind - 1],
					    option_hint(argv[optind - 1], hint, sizeof(hint)));
			return -1;
		}
	}
	if (sc->plain && sc->json) {
		fprintf(stderr, "mmkit: --plain and --json exclude each other\n");
		return -1;
	}
	return optind;
}

/* Colour only on a terminal, and never when NO_COLOR is set (no-color.org). */
static void set_color(struct scenario *sc)
{
	const char *nc = getenv("NO_COLOR");
	bool allowed = !(nc && *nc) && !sc->plain && !sc->json;

	sc->color = allowed && isatty(STDOUT_FILENO);
	sc->color_err = allowed && isatty(STDERR_FILENO);
}

static int cmd_run(int argc, char **argv)
{
	static struct scenario sc;
	int i, ret;

	scenario_init(&sc, NULL, stdout);
	sc.verbosity = SC_NORMAL;
	i = parse_options(&sc, argc, argv);
	if (i < 0)
		return i == -2 ? 0 : 2;
	if (i != argc - 1) {
		fprintf(stderr,
			i == argc ? "mmkit run: no scenario FILE given\n" :
				    "mmkit run: one FILE only, got '%s' too\n",
			argv[i + 1 < argc ? i + 1 : i]);
		fprintf(stderr, "Try 'mmkit --help'.\n");
		return 2;
	}
	sc.file = argv[i];
	set_color(&sc);
	ret = scenario_run_file(&sc, argv[i]);
	scenario_finish(&sc);
	return ret;
}

static int cmd_shell(int argc, char **argv)
{
	static struct scenario sc;
	int i, ret;

	scenario_init(&sc, "shell", stdout);
	sc.verbosity = SC_NORMAL;
	i = parse_options(&sc, argc, argv);
	if (i < 0)
		return i == -2 ? 0 : 2;
	if (i != argc) {
		fprintf(stderr, "mmkit shell: takes no FILE ('%s'); use mmkit run\n", argv[i]);
		return 2;
	}
	sc.interactive = true;
	set_color(&sc);
	ret = shell_main(&sc);
	scenario_finish(&sc);
	return ret;
}

/* mmkit help [COMMAND|views]: no machine is booted. */
static int cmd_help(int argc, char **argv)
{
	char hint[96];

	if (argc == 1) {
		usage(stdout);
		printf("\n");
		help_overview(stdout);
		return 0;
	}
	if (argc > 2)
		return usage_error("help takes one COMMAND, got '%s' too", argv[2], "");
	if (!strcmp(argv[1], "--list")) {
		help_list(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "views")) {
		help_views(stdout);
		return 0;
	}
	if (help_command(stdout, argv[1]) == 0)
		return 0;
	fprintf(stderr, "mmkit help: no command '%s'%s\n", argv[1],
		cli_suggest_command(argv[1], CMD_GLOBAL, hint, sizeof(hint))[0] ?
			hint :
			cli_suggest_command(argv[1], CMD_PROCESS, hint, sizeof(hint)));
	return 2;
}

int main(int argc, char **argv)
{
	struct suggest sg;
	char hint[96];
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "shell"))
		return cmd_shell(argc - 1, argv + 1);
	if (!strcmp(argv[1], "help"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "exec"))
		return cmd_exec_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "mkswap"))
		return mkswap_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(1, argv + 1);
	if (!strcmp(argv[1], "--version")) {
		printf("mmkit %s\n", MMKIT_VERSION);
		return 0;
	}
	if (argv[1][0] == '-')
		return usage_error(
			"unknown option '%s' (options follow the command: mmkit run OPTIONS FILE)",
			argv[1], option_hint(argv[1], hint, sizeof(hint)));
	suggest_init(&sg, argv[1]);
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		suggest_add(&sg, subcommands[i]);
	return usage_error("unknown command '%s' (commands: run, shell, help, mkswap, exec)",
			   argv[1], suggest_hint(&sg, hint, sizeof(hint)));
}
