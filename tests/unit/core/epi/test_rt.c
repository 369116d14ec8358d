/* test_rt.c - the Rt estimator (core/epi/rt.h) against the real EpiEstim: every
 * fixture in tests/fixtures/rt/ (written by scripts/rt-fixtures.R; R is not
 * needed here) must agree to better than 5e-4 relative in the posterior shape,
 * scale, mean, sd and all seven quantiles of every window; the discretised
 * serial interval against discr_si; gamma quantiles against qgamma; then the
 * first-day, zero, window and argument rules, the doubling time on exact
 * series, and the speed of a 90-day estimate.  Run from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "core/epi/rt.h"

#define FIXTURES "tests/fixtures/rt"
#define REL_TOL 5e-4 /* "3 significant digits" against EpiEstim */

static double max_rel_rt;    /* largest relative error seen over the Rt fixtures */
static double max_rel_si;    /* over discr_si values above 1e-6 */
static double max_rel_qgamma;

static json_t *load(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
	json_error_t je;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		fail_msg("%s: %s (line %d); run the tests from the repository root", path, je.text, je.line);
	return j;
}

/* Copies a JSON array of numbers into a new array; *n gets its length. */
static double *numbers(const json_t *arr, int *n)
{
	assert_true(json_is_array(arr));
	*n = (int)json_array_size(arr);
	double *v = calloc((size_t)*n + 1, sizeof(*v));
	assert_non_null(v);
	for (int i = 0; i < *n; i++) {
		json_t *x = json_array_get(arr, (size_t)i);
		assert_true(json_is_number(x));
		v[i] = json_number_value(x);
	}
	return v;
}

static double num(const json_t *obj, const char *key)
{
	json_t *x = json_object_get(obj, key);
	if (!json_is_number(x))
		fail_msg("missing number \"%s\"", key);
	return json_number_value(x);
}

static double rel_err(double got, double want)
{
	return want == 0.0 ? fabs(got) : fabs(got - want) / fabs(want);
}

/* Fails unless got is within tol (relative) of want; records the error. */
static void close_to(double got, double want, double tol, double *max, const char *file, int t_end,
		     const char *what)
{
	double e = rel_err(got, want);
	if (!(e < tol))
		fail_msg("%s t_end=%d %s: got %.12g, EpiEstim %.12g (rel %.3g)", file, t_end, what, got, want,
			 e);
	if (e > *max)
		*max = e;
}

/* One SI weight at day k against EpiEstim's discr_si.  Its formula sums
 * terms of size ~k that cancel, so its values carry an absolute error of a few
 * k * DBL_EPSILON (in the tail that is all of them); rt.c's form does not
 * cancel.  So: 1e-9 relative plus EpiEstim's rounding. */
static void si_close(double got, double want, int k, const char *file)
{
	if (!(fabs(got - want) <= 1e-9 * want + 8.0 * k * DBL_EPSILON))
		fail_msg("%s: SI w[%d] = %.17g, EpiEstim %.17g", file, k, got, want);
	if (want > 1e-6 && rel_err(got, want) > max_rel_si)
		max_rel_si = rel_err(got, want);
}

/* Checks one point against one row of EpiEstim's table. */
static void check_row(const fk_rt_point *p, const json_t *row, const char *file)
{
	assert_int_equal(p->t_start, (int)num(row, "t_start"));
	assert_int_equal(p->t_end, (int)num(row, "t_end"));
	if (json_is_null(json_object_get(row, "mean"))) { /* EpiEstim's NA */
		if (!isnan(p->mean) || !isnan(p->sd) || !isnan(p->shape) || !isnan(p->median) ||
		    !isnan(p->q975))
			fail_msg("%s t_end=%d: EpiEstim gives NA, got mean %g", file, p->t_end, p->mean);
		return;
	}
	const struct {
		const char *key;
		double got;
	} f[] = {
		{ "shape", p->shape }, { "scale", p->scale }, { "mean", p->mean }, { "std", p->sd },
		{ "q025", p->q025 },   { "q05", p->q05 },     { "q25", p->q25 },   { "median", p->median },
		{ "q75", p->q75 },     { "q95", p->q95 },     { "q975", p->q975 },
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		close_to(f[i].got, num(row, f[i].key), REL_TOL, &max_rel_rt, file, p->t_end, f[i].key);
}

/* One estimate_R fixture: fk_rt_estimate, and fk_rt_estimate_si with the SI
 * EpiEstim used, both against the table; fk_si_discretise against that SI. */
static void check_fixture(const char *name)
{
	json_t *j = load(name);
	json_t *c = json_object_get(j, "config");
	fk_rt_config cfg = { num(c, "mean_si"), num(c, "std_si"), num(c, "mean_prior"), num(c, "std_prior"),
			     (int)num(c, "window") };
	int n, nsi;
	double *inc = numbers(json_object_get(j, "incidence"), &n);
	double *si = numbers(json_object_get(j, "si_distr"), &nsi);
	json_t *rows = json_object_get(j, "R");
	assert_true(json_is_array(rows));
	assert_int_equal((int)json_array_size(rows), n - cfg.window);

	/* EpiEstim takes discr_si(0:(T-1)) and pads it with one 0 */
	assert_int_equal(nsi, n + 1);
	assert_true(si[n] == 0.0);
	double *w = calloc((size_t)n, sizeof(*w));
	assert_non_null(w);
	assert_int_equal(fk_si_discretise(cfg.si_mean, cfg.si_sd, n - 1, w), 0);
	for (int k = 0; k < n; k++)
		si_close(w[k], si[k], k, name);

	fk_rt_point *p = calloc((size_t)n, sizeof(*p));
	fk_rt_point *q = calloc((size_t)n, sizeof(*q));
	assert_non_null(p);
	assert_non_null(q);
	assert_int_equal(fk_rt_estimate(inc, n, &cfg, p), n - cfg.window);
	assert_int_equal(fk_rt_estimate_si(inc, n, si, nsi, &cfg, q), n - cfg.window);
	for (int i = 0; i < n - cfg.window; i++) {
		check_row(&p[i], json_array_get(rows, (size_t)i), name);
		check_row(&q[i], json_array_get(rows, (size_t)i), name);
	}
	free(p);
	free(q);
	free(w);
	free(si);
	free(inc);
	json_decref(j);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_epiestim_fixtures(void **state)
{
	(void)state;
	DIR *d = opendir(FIXTURES);
	if (!d)
		fail_msg("%s: not found; run the tests from the repository root", FIXTURES);
	char *names[64];
	int count = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (!strstr(de->d_name, "-si") || len < 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		assert_true(count < 64);
		names[count++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)count, sizeof(names[0]), cmp_str);
	assert_true(count >= 14); /* 6 series x 2 SIs, Flu2009's own SI, the NA case */
	int have_na = 0, have_flu = 0;
	for (int i = 0; i < count; i++) {
		check_fixture(names[i]);
		have_na |= strcmp(names[i], "growing-si90.json") == 0;
		have_flu |= strcmp(names[i], "flu2009-si26.json") == 0;
		free(names[i]);
	}
	assert_true(have_na);
	assert_true(have_flu);
	print_message("rt: %d EpiEstim fixtures, largest relative error %.3g (Rt), %.3g (SI)\n", count,
		      max_rel_rt, max_rel_si);
}

static void test_si_discretise(void **state)
{
	(void)state;
	json_t *j = load("si.json");
	json_t *cases = json_object_get(j, "cases");
	assert_true(json_array_size(cases) >= 5);
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c) {
		int k_max = (int)num(c, "k_max"), nw;
		double *want = numbers(json_object_get(c, "w"), &nw);
		assert_int_equal(nw, k_max + 1);
		double got[128];
		assert_true(k_max < 128);
		got[k_max + 1] = -1.0; /* nothing written past k_max */
		assert_int_equal(fk_si_discretise(num(c, "mean"), num(c, "sd"), k_max, got), 0);
		assert_true(got[k_max + 1] == -1.0);
		assert_true(got[0] == 0.0);
		double sum = 0.0;
		for (int k = 0; k <= k_max; k++) {
			sum += got[k];
			si_close(got[k], want[k], k, "si.json");
		}
		assert_true(sum > 0.99 && sum < 1.0 + 1e-12);
		free(want);
	}
	json_decref(j);

	double w[4];
	assert_int_equal(fk_si_discretise(1.0, 2.0, 3, w), -1); /* mean must exceed 1 */
	assert_int_equal(fk_si_discretise(4.7, 0.0, 3, w), -1);
	assert_int_equal(fk_si_discretise(4.7, 2.9, -1, w), -1);
	assert_int_equal(fk_si_discretise(4.7, 2.9, 3, NULL), -1);
	assert_int_equal(fk_si_discretise(NAN, 2.9, 3, w), -1);
}

/* Tail weights against the same formula evaluated with 50 significant digits
 * (mpmath): here EpiEstim's own values are off by up to 10% (20/2 at k = 40),
 * rt.c's by less than 1e-9. */
static void test_si_tail_exact(void **state)
{
	(void)state;
	static const struct {
		double mean, sd;
		int k;
		double exact;
	} t[] = {
		{ 4.7, 2.9, 40, 1.04823002887687869e-7 },  /* EpiEstim: 3.8e-8 off */
		{ 2.6, 1.5, 30, 1.3275706192530347e-9 },   /* 2.3e-6 */
		{ 1.5, 0.5, 17, 3.4980903510877704e-14 },  /* 2.2e-2 */
		{ 20.0, 2.0, 40, 1.3213518791614041e-14 }, /* 1.0e-1 */
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		double w[41];
		assert_int_equal(fk_si_discretise(t[i].mean, t[i].sd, t[i].k, w), 0);
		if (!(rel_err(w[t[i].k], t[i].exact) < 1e-9))
			fail_msg("SI %g/%g w[%d] = %.17g, exact %.17g", t[i].mean, t[i].sd, t[i].k, w[t[i].k],
				 t[i].exact);
	}
}

static void test_gamma_quantile(void **state)
{
	(void)state;
	json_t *j = load("qgamma.json");
	int np;
	double *p = numbers(json_object_get(j, "p"), &np);
	assert_int_equal(np, 7);
	size_t i;
	json_t *c;
	int n = 0;
	json_array_foreach(json_object_get(j, "cases"), i, c) {
		int nq;
		double a = num(c, "shape");
		double *want = numbers(json_object_get(c, "q"), &nq);
		assert_int_equal(nq, np);
		for (int k = 0; k < np; k++) {
			/* scale 2 to check it is applied: qgamma(p, a, scale = 2) = 2 qgamma(p, a) */
			close_to(fk_rt_gamma_quantile(p[k], a, 2.0), 2.0 * want[k], 1e-8, &max_rel_qgamma,
				 "qgamma.json", (int)a, "q");
			n++;
		}
		free(want);
	}
	assert_true(n >= 100);
	free(p);
	json_decref(j);
	print_message("rt: %d gamma quantiles, largest relative error against qgamma %.3g\n", n,
		      max_rel_qgamma);

	assert_true(isnan(fk_rt_gamma_quantile(0.0, 2.0, 1.0)));
	assert_true(isnan(fk_rt_gamma_quantile(1.0, 2.0, 1.0)));
	assert_true(isnan(fk_rt_gamma_quantile(0.5, 0.0, 1.0)));
	assert_true(isnan(fk_rt_gamma_quantile(0.5, 2.0, -1.0)));
	/* shape 1 is the exponential: the median is log 2 */
	assert_true(fabs(fk_rt_gamma_quantile(0.5, 1.0, 1.0) - M_LN2) < 1e-13);
}

/* Over shapes 0.01 .. 1e9: never NAN, never an abort in GSL (gsl_cdf_gamma_Pinv
 * aborts at shapes 1160 and ~1736 among others), increasing in p, and where
 * GSL's CDF can be evaluated (shape < 1e5) P(quantile) = p to 1e-10 in x. */
static void test_gamma_quantile_grid(void **state)
{
	(void)state;
	static const double p[7] = { 0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975 };
	double worst = 0.0;
	for (int i = 0; i <= 3000; i++) {
		double a = pow(10.0, -2.0 + 11.0 * i / 3000.0);
		double prev = 0.0;
		for (int k = 0; k < 7; k++) {
			double x = fk_rt_gamma_quantile(p[k], a, 1.0);
			if (!(x >= prev) || !isfinite(x))
				fail_msg("shape %.17g p %g: quantile %g after %g", a, p[k], x, prev);
			prev = x;
			if (a >= 1e5 || x == 0.0)
				continue;
			double resid = p[k] > 0.5 ? (1.0 - p[k]) - gsl_cdf_gamma_Q(x, a, 1.0)
						  : gsl_cdf_gamma_P(x, a, 1.0) - p[k];
			double e = fabs(resid) / (x * gsl_ran_gamma_pdf(x, a, 1.0)); /* relative, in x */
			if (!(e < 1e-10))
				fail_msg("shape %.17g p %g: quantile %.17g off by %.3g", a, p[k], x, e);
			if (e > worst)
				worst = e;
		}
	}
	print_message("rt: gamma quantile grid, largest relative error %.3g\n", worst);
	/* the shapes where GSL's own inverse gives up */
	assert_true(fk_rt_gamma_quantile(0.975, 1160.0, 1.0) > 1160.0);
	assert_true(fk_rt_gamma_quantile(0.025, 1736.0, 1.0) < 1736.0);
}

/* Day 1 is imported: its cases never count as offspring but do infect. */
static void test_first_day_imported(void **state)
{
	(void)state;
	const int n = 10;
	double inc[10] = { 100, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	double w[10];
	fk_rt_point p[3];
	assert_int_equal(fk_si_discretise(4.7, 2.9, n - 1, w), 0);
	assert_int_equal(fk_rt_estimate(inc, n, NULL, p), 3);
	/* window 2..8: no cases, infectivity 100 * (w[1] + .. + w[7]) */
	double lam = 0.0;
	for (int s = 1; s <= 7; s++)
		lam += 100.0 * w[s];
	assert_int_equal(p[0].t_start, 2);
	assert_int_equal(p[0].t_end, 8);
	assert_true(p[0].shape == 1.0); /* the prior's shape: (5/5)^2 */
	assert_true(p[0].cases == 0.0);
	assert_true(fabs(p[0].infectivity - lam) < 1e-13);
	assert_true(fabs(p[0].scale - 1.0 / (1.0 / 5.0 + lam)) < 1e-15);
	assert_true(fabs(p[0].mean - 1.0 / (0.2 + lam)) < 1e-15);
	/* more cases on day 1 change the infectivity, never the case count */
	inc[0] = 1000;
	assert_int_equal(fk_rt_estimate(inc, n, NULL, p), 3);
	assert_true(p[0].shape == 1.0);
	assert_true(p[0].mean < 1.0 / (0.2 + 9.0 * lam));
	/* the last point is window 4..10 */
	assert_int_equal(p[2].t_start, 4);
	assert_int_equal(p[2].t_end, 10);
}

/* Nothing before a window: the posterior is the prior (EpiEstim reports it). */
static void test_zero_infectivity(void **state)
{
	(void)state;
	double inc[20] = { 0 };
	fk_rt_point p[13];
	assert_int_equal(fk_rt_estimate(inc, 20, NULL, p), 13);
	for (int i = 0; i < 13; i++) {
		assert_true(p[i].shape == 1.0 && p[i].scale == 5.0);
		assert_true(p[i].mean == 5.0 && p[i].sd == 5.0);
		assert_true(fabs(p[i].median - 5.0 * M_LN2) < 1e-12);
		assert_true(fabs(p[i].q975 - -5.0 * log(0.025)) < 1e-11);
	}
	/* one case on day 9 and nothing before it: window 3..9 has 1 case and no
	 * infectivity, so shape 2, scale 5, mean 10 */
	inc[8] = 1;
	assert_int_equal(fk_rt_estimate(inc, 20, NULL, p), 13);
	assert_int_equal(p[1].t_end, 9);
	assert_true(p[1].shape == 2.0 && p[1].scale == 5.0 && p[1].mean == 10.0);
	assert_true(p[1].cases == 1.0 && p[1].infectivity == 0.0);
	assert_true(p[2].scale < 5.0); /* day 10 feels day 9's case */
}

/* A one-day window and a custom prior, by hand. */
static void test_window_and_prior(void **state)
{
	(void)state;
	double inc[6] = { 3, 5, 8, 13, 21, 34 };
	double w[3] = { 0, 0.5, 0.5 }; /* an SI of 1 or 2 days; its mean is 1.5 */
	fk_rt_config cfg = { 0, 0, 2.0, 1.0, 1 };
	fk_rt_point p[5];
	assert_int_equal(fk_rt_estimate_si(inc, 6, w, 3, &cfg, p), 5);
	const double a0 = 4.0, b0 = 0.5; /* (2/1)^2, 1^2/2 */
	/* day 2 (t_end 2): not past the SI's mean 1.5?  2 > 1.5, so estimated;
	 * lambda_2 = 0.5 * 3 */
	assert_int_equal(p[0].t_start, 2);
	assert_int_equal(p[0].t_end, 2);
	assert_true(fabs(p[0].shape - (a0 + 5)) < 1e-15);
	assert_true(fabs(p[0].scale - 1.0 / (1.0 / b0 + 1.5)) < 1e-15);
	/* day 6: lambda_6 = 0.5 * 21 + 0.5 * 13 = 17 */
	assert_int_equal(p[4].t_end, 6);
	assert_true(fabs(p[4].mean - (a0 + 34) / (1.0 / b0 + 17.0)) < 1e-13);
	assert_true(fabs(p[4].sd - sqrt(a0 + 34) / (1.0 / b0 + 17.0)) < 1e-13);
	assert_true(p[4].q025 < p[4].q05 && p[4].q05 < p[4].q25 && p[4].q25 < p[4].median &&
		    p[4].median < p[4].q75 && p[4].q75 < p[4].q95 && p[4].q95 < p[4].q975);

	/* an SI whose mean (2.5) reaches t_end 2: that window is NA */
	double w2[4] = { 0, 0, 0.5, 0.5 };
	assert_int_equal(fk_rt_estimate_si(inc, 6, w2, 4, &cfg, p), 5);
	assert_true(isnan(p[0].mean) && isnan(p[0].q975) && isnan(p[0].shape));
	assert_int_equal(p[0].t_end, 2);
	assert_true(p[0].cases == 5.0 && p[0].infectivity == 0.0); /* still set */
	assert_false(isnan(p[1].mean)); /* 3 > 2.5 */
}

/* Past FK_RT_STACK_DAYS the scratch comes from the heap; the early windows do
 * not depend on later days. */
static void test_long_series(void **state)
{
	(void)state;
	const int n = 2 * FK_RT_STACK_DAYS + 3;
	double *inc = malloc((size_t)n * sizeof(*inc));
	fk_rt_point *p = malloc((size_t)n * sizeof(*p));
	fk_rt_point short_p[90];
	assert_non_null(inc);
	assert_non_null(p);
	for (int i = 0; i < n; i++)
		inc[i] = floor(50.0 + 40.0 * sin(i / 30.0));
	assert_int_equal(fk_rt_estimate(inc, n, NULL, p), n - 7);
	assert_int_equal(fk_rt_estimate(inc, 97, NULL, short_p), 90);
	for (int i = 0; i < 90; i++) {
		assert_true(p[i].mean == short_p[i].mean);
		assert_true(p[i].q975 == short_p[i].q975);
	}
	assert_int_equal(p[n - 8].t_end, n);
	free(inc);
	free(p);
}

static void test_invalid(void **state)
{
	(void)state;
	double inc[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	fk_rt_point p[10];
	fk_rt_config cfg = FK_RT_CONFIG_DEFAULT;
	assert_int_equal(fk_rt_estimate(NULL, 10, NULL, p), -1);
	assert_int_equal(fk_rt_estimate(inc, 10, NULL, NULL), -1);
	assert_int_equal(fk_rt_estimate(inc, -1, NULL, p), -1);
	assert_int_equal(fk_rt_estimate(inc, 7, NULL, p), 0); /* too short for one window */
	assert_int_equal(fk_rt_estimate(inc, 8, NULL, p), 1);
	inc[3] = -1;
	assert_int_equal(fk_rt_estimate(inc, 10, NULL, p), -1);
	inc[3] = NAN;
	assert_int_equal(fk_rt_estimate(inc, 10, NULL, p), -1);
	inc[3] = 4;
	cfg.si_mean = 1.0;
	assert_int_equal(fk_rt_estimate(inc, 10, &cfg, p), -1);
	cfg = (fk_rt_config)FK_RT_CONFIG_DEFAULT;
	cfg.window = 0;
	assert_int_equal(fk_rt_estimate(inc, 10, &cfg, p), -1);
	cfg = (fk_rt_config)FK_RT_CONFIG_DEFAULT;
	cfg.prior_sd = 0;
	assert_int_equal(fk_rt_estimate(inc, 10, &cfg, p), -1);
	double bad_w[3] = { 0.1, 0.5, 0.4 }; /* w[0] must be 0 */
	assert_int_equal(fk_rt_estimate_si(inc, 10, bad_w, 3, NULL, p), -1);
	bad_w[0] = 0;
	bad_w[1] = -0.5;
	assert_int_equal(fk_rt_estimate_si(inc, 10, bad_w, 3, NULL, p), -1);
}

static void test_doubling_time(void **state)
{
	(void)state;
	double inc[30];
	/* doubling every 3 days from 100: the 0.5 offset costs well under 1% */
	for (int i = 0; i < 30; i++)
		inc[i] = 100.0 * pow(2.0, i / 3.0);
	double dt = fk_doubling_time(inc, 30, FK_RT_DOUBLING_DAYS);
	assert_true(fabs(dt - 3.0) < 0.03);
	/* large counts: the offset vanishes and the fit is exact */
	for (int i = 0; i < 30; i++)
		inc[i] = 1e9 * pow(2.0, i / 3.0);
	assert_true(fabs(fk_doubling_time(inc, 30, 7) - 3.0) < 1e-8);
	/* only the last `days` count: a fall before them is ignored */
	for (int i = 0; i < 20; i++)
		inc[i] = 1e12 - i;
	assert_true(fabs(fk_doubling_time(inc, 30, 7) - 3.0) < 1e-8);
	/* 5 points on a line in log(x + 0.5): slope log(3)/day exactly */
	double lin[5] = { 0.5, 2.5, 8.5, 26.5, 80.5 }; /* 1, 3, 9, 27, 81 minus 0.5 */
	assert_true(fabs(fk_doubling_time(lin, 5, 5) - M_LN2 / log(3.0)) < 1e-12);

	double flat[7] = { 5, 5, 5, 5, 5, 5, 5 };
	assert_true(isinf(fk_doubling_time(flat, 7, 7)));
	double zeros[7] = { 0 };
	assert_true(isinf(fk_doubling_time(zeros, 7, 7)));
	double down[10] = { 80, 70, 60, 50, 40, 30, 20, 10, 5, 1 };
	assert_true(isinf(fk_doubling_time(down, 10, 7)));
	double wobble[7] = { 10, 12, 9, 11, 10, 12, 9 }; /* slope < 0 by a hair */
	assert_true(isinf(fk_doubling_time(wobble, 7, 7)));

	assert_true(isnan(fk_doubling_time(inc, 6, 7)));
	assert_true(isnan(fk_doubling_time(inc, 30, 1)));
	assert_true(isnan(fk_doubling_time(NULL, 30, 7)));
	double neg[7] = { 1, 2, 3, -4, 5, 6, 7 };
	assert_true(isnan(fk_doubling_time(neg, 7, 7)));
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A district's 90 days in well under 10 ms (the module's budget).  Judged on
 * the best of 10 batches, which other work on the machine cannot inflate. */
static void test_speed(void **state)
{
	(void)state;
	double inc[90];
	fk_rt_point p[83];
	for (int i = 0; i < 90; i++)
		inc[i] = floor(3.0 + 400.0 * exp(-pow((i - 45) / 14.0, 2)));
	const int batches = 10, reps = 20;
	double best = INFINITY, total = 0.0;
	for (int b = 0; b < batches; b++) {
		double t0 = now_ms();
		for (int r = 0; r < reps; r++)
			assert_int_equal(fk_rt_estimate(inc, 90, NULL, p), 83);
		double per = (now_ms() - t0) / reps;
		total += per;
		if (per < best)
			best = per;
	}
	print_message("rt: 90-day estimate %.3f ms (best batch), %.3f ms (mean of %d)\n", best,
		      total / batches, batches * reps);
	assert_true(best < 10.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epiestim_fixtures),
		cmocka_unit_test(test_si_discretise),
		cmocka_unit_test(test_si_tail_exact),
		cmocka_unit_test(test_gamma_quantile),
		cmocka_unit_test(test_gamma_quantile_grid),
		cmocka_unit_test(test_first_day_imported),
		cmocka_unit_test(test_zero_infectivity),
		cmocka_unit_test(test_window_and_prior),
		cmocka_unit_test(test_long_series),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_doubling_time),
		cmocka_unit_test(test_speed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
