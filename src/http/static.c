/* static.c - the web UI's files: content types, ETags, the gzip copies made
 * at build time, and the refusals (hidden files, parent references, other
 * methods).  Expected load: a page's first visit (a few dozen files), then
 * 304s; files are sent from their descriptors, never read into memory. */
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/internal.h"

static const char *content_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".json", "application/json; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".webmanifest", "application/manifest+json" },
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

/* Whether the client takes gzip: the token gzip (or *) in Accept-Encoding,
 * not refused with q=0. */
bool fk_http_accepts_gzip(const char *ae)
{
	for (const char *p = ae; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t n = strcspn(p, ",;");
		bool match = (n == 4 && strncasecmp(p, "gzip", 4) == 0) || (n == 1 && *p == '*');
		const char *end = p + strcspn(p, ",");
		if (match) {
			const char *q = strstr(p, "q=");
			bool refused = q && q < end && strtod(q + 2, NULL) <= 0.0;
			return !refused;
		}
		p = end;
	}
	return false;
}

/* The gzip copy of a file made at build time (make: web/FILE.gz beside
 * web/FILE), when it exists and is not older than the file; -1 otherwise. */
static int open_gzip(const char *full, const struct stat *orig, struct stat *sb)
{
	char gz[1040];
	snprintf(gz, sizeof(gz), "%s.gz", full);
	int fd = open(gz, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, sb) < 0 || !S_ISREG(sb->st_mode) || sb->st_mtime < orig->st_mtime) {
		close(fd);
		return -1;
	}
	return fd;
}

enum MHD_Result fk_static_send(fk_req *r, const char *web_dir)
{
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		fk_req_header(r, "Allow", "GET, HEAD");
		return fk_http_fail_now(r, 405, "method_not_allowed", NULL, "%s is not allowed here", r->method);
	}
	const char *p = r->path;
	if (strcmp(p, "/") == 0)
		p = "/index.html";
	/* No parent references, hidden files or empty segments. */
	if (strstr(p, "/.") || strstr(p, "//") || strlen(p) > 512)
		return fk_http_fail_now(r, 404, "not_found", NULL, "%s not found", "file");
	char full[1024];
	snprintf(full, sizeof(full), "%s%s", web_dir, p);
	int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		if (fd >= 0)
			close(fd);
		return fk_http_fail_now(r, 404, "not_found", NULL, "%s not found", "file");
	}
	/* A precompressed copy goes to clients that take gzip; the answer
	 * varies by Accept-Encoding whenever a copy exists. */
	struct stat gsb;
	int gfd = open_gzip(full, &sb, &gsb);
	bool vary = gfd >= 0, gzip = gfd >= 0 && fk_http_accepts_gzip(fk_req_header_in(r, "Accept-Encoding"));
	if (gzip) {
		close(fd);
		fd = gfd;
		sb.st_size = gsb.st_size;
	} else if (gfd >= 0) {
		close(gfd);
	}
	char *etag = fk_arena_printf(&r->arena, "\"%llx-%llx%s\"", (unsigned long long)sb.st_size,
				     (unsigned long long)sb.st_mtime, gzip ? "-gz" : "");
	const char *inm = fk_req_header_in(r, "If-None-Match");
	struct MHD_Response *resp;
	int status = 200;
	if (inm && strcmp(inm, etag) == 0) {
		close(fd);
		status = 304;
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	} else {
		resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
		if (resp)
			MHD_add_response_header(resp, "Content-Type", content_type(p));
		else
			close(fd);
	}
	if (!resp)
		return MHD_NO;
	if (gzip && status == 200)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	if (vary)
		MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	/* Vendor libraries change only with a rebuild; our own files are
	 * revalidated on every load so a deployment shows at once. */
	MHD_add_response_header(resp, "Cache-Control",
				strncmp(p, "/vendor/", 8) == 0 ? "public, max-age=86400" : "no-cache");
	MHD_add_response_header(resp, "ETag", etag);
	fk_http_common_headers(resp, r);
	r->status = status;
	r->state = ST_SENT;
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}
