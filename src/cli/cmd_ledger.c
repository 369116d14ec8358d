/* cmd_ledger.c - `fangkong ledger verify`: the public ledger checked from
 * its entries' bytes up, against a checkpoint someone saved. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/ledger/ledger.h"

static const char ledger_usage[] =
	"usage: fangkong ledger verify [--checkpoint FILE] [--key VKEY] [--db PATH]\n\n"
	"Recomputes every entry's leaf hash from its bytes and every tree node from the\n"
	"leaves, and checks every entry's inclusion proof against the root.  With\n"
	"--checkpoint, FILE holds a checkpoint note saved from GET /api/v1/ledger/checkpoint:\n"
	"its signature must verify (with VKEY, the verifier key of GET /api/v1/ledger/key,\n"
	"else the database's own key, PATH.audit-key), its root must be the root of the\n"
	"log's first SIZE entries, and the consistency proof to today's log must verify.\n"
	"A failure names the first mismatch.  Exit 0 intact, 1 not.\n";

int cmd_ledger(int argc, char **argv)
{
	if (cli_wants_help(argc, argv, ledger_usage))
		return 0;
	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		fputs(ledger_usage, stderr);
		return 2;
	}
	static const struct option opts[] = {
		{ "db", required_argument, 0, 'd' },
		{ "checkpoint", required_argument, 0, 'c' },
		{ "key", required_argument, 0, 'k' },
		{ 0 },
	};
	const char *db_path = NULL, *file = NULL, *vkey = NULL;
	optind = 1;
	int c;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_path = optarg; break;
		case 'c': file = optarg; break;
		case 'k': vkey = optarg; break;
		default: fputs(ledger_usage, stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(ledger_usage, stderr);
		return 2;
	}
	db_path = cli_db_path(db_path);
	char name[FK_NOTE_NAME_MAX];
	unsigned char pk[32], id[4];
	snprintf(name, sizeof(name), "%s", fk_ledger_origin());
	if (vkey) {
		if (fk_note_vkey_parse(vkey, name, pk, id) < 0) {
			fprintf(stderr, "fangkong: --key: not a verifier key (NAME+KEYID+BASE64 of an Ed25519 key)\n");
			return 2;
		}
	} else if (file) {
		fk_audit_key k;
		if (fk_audit_key_load(db_path, &k) < 0)
			return 1;
		memcpy(pk, k.pk, 32);
		sodium_memzero(&k, sizeof(k));
	}
	char *note = NULL;
	if (file && !(note = cli_read_file(file))) {
		fprintf(stderr, "fangkong: %s: %s\n", file, strerror(errno));
		return 1;
	}
	fk_db *db;
	if (cli_open_db(db_path, 0, &db) < 0) {
		free(note);
		return 1;
	}
	fk_ledger_check ck;
	int rc = fk_ledger_verify(db, note, name, pk, &ck);
	fk_db_close(db);
	free(note);
	if (rc < 0) {
		fprintf(stderr, "fangkong: cannot read the ledger\n");
		return 1;
	}
	if (rc == 1) {
		printf("ledger NOT verified: %s\n", ck.what);
		return 1;
	}
	printf("ledger intact: %" PRId64 " entries, every inclusion proof verified", ck.size);
	if (file)
		printf("; consistent with the checkpoint of %" PRId64 " entries", ck.cp_size);
	putchar('\n');
	return 0;
}
