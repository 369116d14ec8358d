/* rt.c - Rt by the method of Cori et al. (2013) as EpiEstim computes it, the
 * discretised serial interval, gamma quantiles, and the doubling time (see
 * rt.h for the model).  Expected load: a few hundred days per region, many
 * regions per request; the work is arithmetic on two arrays of n doubles kept
 * on the stack.
 *
 * GSL supplies the gamma CDF and density.  Its inverse CDF, gsl_cdf_gamma_Pinv,
 * is not used: in GSL 2.7 it fails to converge for posterior shapes met in
 * practice (p = 0.975 from shape 1160, i.e. 1159 cases in a week; p = 0.025 at
 * shapes around 1736..2356; small shapes below ~0.15), and its failure goes to
 * GSL's error handler, whose default aborts the process.  fk_rt_gamma_quantile
 * inverts the CDF itself and keeps every GSL call where GSL raises no error:
 * shape < 1e5 and x < 1e6 (GSL's incomplete gamma function itself errs for
 * shapes past 1e6 and for x past 1e6); larger shapes use a closed form.
 */
#include "core/epi/rt.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

/* Past this shape the Wilson-Hilferty closed form replaces the iteration. */
#define WH_SHAPE 1e5

/* ---- gamma quantiles ---- */

/* The p-quantile of Gamma(shape a, scale 1), 0 < p < 1, 0 < a < WH_SHAPE:
 * Halley's method on the CDF (on the upper tail Q when p > 0.5, so that
 * p = 0.975 keeps its digits), kept inside a bracket [lo, hi] that every
 * evaluation narrows; a step leaving the bracket falls back to Newton's, then
 * to a geometric bisection.  From the Wilson-Hilferty guess it takes one or
 * two CDF evaluations; the result is within ~1e-11 (relative) of the root. */
static double gamma_quantile_iter(double p, double a)
{
	const bool upper = p > 0.5;
	const double q = 1.0 - p;
	double c = 1.0 / (9.0 * a);
	double t = 1.0 - c + gsl_cdf_ugaussian_Pinv(p) * sqrt(c);
	double x;
	if (a >= 1.0 && t > 0.0) {
		x = a * t * t * t;
	} else {
		/* P(x) = x^a / Gamma(a + 1) * (1 + O(x)) for small x: below
		 * 1e-17 that is exact in doubles (and 0 means the quantile
		 * underflows, as for shapes below ~0.01 and small p) */
		x = exp((log(p) + lgamma(a + 1.0)) / a);
		if (x < 1e-17)
			return x;
		if (!isfinite(x))
			x = a;
	}

	double lo = 0.0, hi = INFINITY;
	for (int i = 0; i < 200; i++) {
		/* g increases with x and is 0 at the quantile */
		double g = upper ? q - gsl_cdf_gamma_Q(x, a, 1.0) : gsl_cdf_gamma_P(x, a, 1.0) - p;
		if (g == 0.0)
			return x;
		if (g > 0.0)
			hi = x;
		else
			lo = x;
		double f = gsl_ran_gamma_pdf(x, a, 1.0);
		double step = f > 0.0 ? g / f : NAN; /* Newton */
		/* Halley: g'' / g' = f' / f = (a - 1) / x - 1 */
		double halley = step / (1.0 - 0.5 * step * ((a - 1.0) / x - 1.0));
		if (!(fabs(halley - step) <= 0.5 * fabs(step)))
			halley = step; /* far from the root: Newton only */
		/* the error after a Halley step is ~ the cube of the step's */
		if (fabs(step) <= 1e-6 * x) /* false for NAN */
			return x - halley;
		double nx = x - halley;
		if (!(nx > lo && nx < hi))
			nx = x - step;
		/* while there is no upper bound, grow at most fourfold: GSL's
		 * incomplete gamma fails for x past 1e6 */
		if (isinf(hi) && nx > 4.0 * x)
			nx = 4.0 * x;
		if (!(nx > lo && nx < hi)) { /* also NAN */
			if (isinf(hi))
				nx = 2.0 * x;
			else if (lo > 0.0)
				nx = sqrt(lo * hi);
			else
				nx = hi / 16.0;
		}
		if (isfinite(hi) && hi - lo <= 1e-13 * hi)
			return nx;
		x = nx;
	}
	return x;
}

double fk_rt_gamma_quantile(double p, double shape, double scale)
{
	if (!(p > 0.0 && p < 1.0) || !(shape > 0.0) || !(scale > 0.0) || !isfinite(shape) ||
	    !isfinite(scale))
		return NAN;
	if (shape >= WH_SHAPE) {
		/* Wilson-Hilferty: (X/a)^(1/3) is nearly normal, mean 1 - 1/(9a),
		 * variance 1/(9a).  Against R's qgamma for the 7 probabilities
		 * used here: relative error 5.0e-10 at shape 1e5, 1.6e-11 at 1e6 */
		double c = 1.0 / (9.0 * shape);
		double t = 1.0 - c + gsl_cdf_ugaussian_Pinv(p) * sqrt(c);
		return scale * shape * t * t * t;
	}
	return scale * gamma_quantile_iter(p, shape);
}

/* ---- serial interval ---- */

/* P and Q = 1 - P of Gamma(a, scale b) at x >= 0, each to full relative
 * precision, mostly with one GSL call: the smaller of the two is computed
 * and the larger (>= 0.5) taken as 1 minus it.  Above the mean Q < 0.5 (a
 * gamma's median is below its mean); below it P is tried first. */
static void cdf_pair(double x, double a, double b, double *P, double *Q)
{
	if (x < a * b) {
		*P = gsl_cdf_gamma_P(x, a, b);
		*Q = *P <= 0.5 ? 1.0 - *P : gsl_cdf_gamma_Q(x, a, b);
	} else {
		*Q = gsl_cdf_gamma_Q(x, a, b);
		*P = 1.0 - *Q;
	}
}

int fk_si_discretise(double mean, double sd, int k_max, double *w)
{
	if (!w || !(mean > 1.0) || !(sd > 0.0) || !isfinite(mean) || !isfinite(sd) || k_max < 0)
		return -1;
	const double a = ((mean - 1.0) / sd) * ((mean - 1.0) / sd); /* shape */
	const double b = sd * sd / (mean - 1.0);                      /* scale */
	const double ab = a * b;

	/* EpiEstim's discr_si, for the CDFs F (shape a) and G (shape a + 1):
	 *   w[k] = k F(k) + (k-2) F(k-2) - 2(k-1) F(k-1)
	 *          + ab (2 G(k-1) - G(k-2) - G(k)),
	 * rewritten with second differences D2F(k) = F(k) - 2F(k-1) + F(k-2):
	 *   w[k] = k D2F(k) + 2 (F(k-1) - F(k-2)) - ab D2G(k).
	 * In the tail F and G are near 1 and their differences cancel, so there
	 * the same sum is formed from the upper tails Q = 1 - F, R = 1 - G:
	 *   w[k] = -k D2Q(k) - 2 (Q(k-1) - Q(k-2)) + ab D2R(k).
	 * CDFs at negative days are 0.  [0], [1], [2] hold days k-2, k-1, k. */
	double F[3] = { 0, 0, 0 }, Q[3] = { 1, 1, 1 }, G[3] = { 0, 0, 0 }, R[3] = { 1, 1, 1 };
	for (int k = 0; k <= k_max; k++) {
		for (int i = 0; i < 2; i++) {
			F[i] = F[i + 1];
			Q[i] = Q[i + 1];
			G[i] = G[i + 1];
			R[i] = R[i + 1];
		}
		cdf_pair(k, a, b, &F[2], &Q[2]);
		cdf_pair(k, a + 1.0, b, &G[2], &R[2]);
		double v;
		if (F[2] <= 0.5)
			v = k * (F[2] - 2.0 * F[1] + F[0]) + 2.0 * (F[1] - F[0]) -
			    ab * (G[2] - 2.0 * G[1] + G[0]);
		else
			v = -k * (Q[2] - 2.0 * Q[1] + Q[0]) - 2.0 * (Q[1] - Q[0]) +
			    ab * (R[2] - 2.0 * R[1] + R[0]);
		w[k] = (k > 0 && v > 0.0) ? v : 0.0;
	}
	return 0;
}

/* ---- Rt ---- */

static bool config_ok(const fk_rt_config *c)
{
	return c->prior_mean > 0.0 && c->prior_sd > 0.0 && isfinite(c->prior_mean) &&
	       isfinite(c->prior_sd) && c->window >= 1;
}

/* The estimate proper, after the arguments were checked: lambda is scratch
 * for n doubles.  Returns the number of points written. */
static int estimate(const double *inc, int n, const double *w, int nw, const fk_rt_config *cfg,
		    double *lambda, fk_rt_point *out)
{
	static const double probs[7] = { 0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975 };
	const int win = cfg->window;
	if (n <= win)
		return 0;

	double si_mean = 0.0; /* EpiEstim's final_mean_si: the NA rule */
	for (int k = 1; k < nw; k++)
		si_mean += k * w[k];

	/* lambda[i] is day i+1's infectivity; day 1 has none (lambda[0] unused) */
	lambda[0] = 0.0;
	for (int i = 1; i < n; i++) {
		int smax = i < nw - 1 ? i : nw - 1;
		double l = 0.0;
		for (int s = 1; s <= smax; s++)
			l += w[s] * inc[i - s];
		lambda[i] = l;
	}

	const double a0 = (cfg->prior_mean / cfg->prior_sd) * (cfg->prior_mean / cfg->prior_sd);
	const double b0 = cfg->prior_sd * cfg->prior_sd / cfg->prior_mean;
	const int count = n - win;
	for (int j = 0; j < count; j++) {
		const int e = win + j; /* 0-based last day of the window */
		fk_rt_point *pt = &out[j];
		pt->t_end = e + 1;
		pt->t_start = e - win + 2;
		double cases = 0.0, infect = 0.0;
		for (int i = e - win + 1; i <= e; i++) {
			cases += inc[i];
			infect += lambda[i];
		}
		pt->cases = cases;
		pt->infectivity = infect;
		if (!((double)pt->t_end > si_mean)) {
			pt->shape = pt->scale = pt->mean = pt->sd = NAN;
			pt->q025 = pt->q05 = pt->q25 = pt->median = pt->q75 = pt->q95 = pt->q975 = NAN;
			continue;
		}
		const double a = a0 + cases;
		const double b = 1.0 / (1.0 / b0 + infect);
		pt->shape = a;
		pt->scale = b;
		pt->mean = a * b;
		pt->sd = sqrt(a) * b;
		double q[7];
		for (int k = 0; k < 7; k++)
			q[k] = fk_rt_gamma_quantile(probs[k], a, b);
		pt->q025 = q[0];
		pt->q05 = q[1];
		pt->q25 = q[2];
		pt->median = q[3];
		pt->q75 = q[4];
		pt->q95 = q[5];
		pt->q975 = q[6];
	}
	return count;
}

/* True when every v[0..n) is finite and >= 0. */
static bool values_ok(const double *v, int n)
{
	for (int i = 0; i < n; i++)
		if (!(v[i] >= 0.0) || !isfinite(v[i]))
			return false;
	return true;
}

int fk_rt_estimate_si(const double *incidence, int n, const double *w, int nw, const fk_rt_config *cfg,
		      fk_rt_point *out)
{
	static const fk_rt_config defaults = FK_RT_CONFIG_DEFAULT;
	double stack[FK_RT_STACK_DAYS];
	double *lambda = stack;
	int rc = -1;

	if (!cfg)
		cfg = &defaults;
	if (!incidence || !out || !w || n < 0 || nw < 1 || !config_ok(cfg) || !values_ok(incidence, n))
		goto out;
	if (w[0] != 0.0 || !values_ok(w, nw))
		goto out;
	if (n > FK_RT_STACK_DAYS && !(lambda = malloc((size_t)n * sizeof(*lambda))))
		goto out;
	rc = estimate(incidence, n, w, nw, cfg, lambda, out);
out:
	if (lambda != stack)
		free(lambda);
	return rc;
}

int fk_rt_estimate(const double *incidence, int n, const fk_rt_config *cfg, fk_rt_point *out)
{
	static const fk_rt_config defaults = FK_RT_CONFIG_DEFAULT;
	double stack[2 * FK_RT_STACK_DAYS];
	double *buf = stack, *w, *lambda;
	int rc = -1;

	if (!cfg)
		cfg = &defaults;
	if (!incidence || !out || n < 0 || !config_ok(cfg) || !values_ok(incidence, n))
		goto out;
	if (n <= cfg->window) {
		rc = 0;
		goto out;
	}
	if (n > FK_RT_STACK_DAYS && !(buf = malloc(2 * (size_t)n * sizeof(*buf))))
		goto out;
	/* the SI over k = 0..n-1, as EpiEstim takes it (discr_si(0:(T-1), ...)) */
	w = buf;
	lambda = buf + n;
	if (fk_si_discretise(cfg->si_mean, cfg->si_sd, n - 1, w) < 0)
		goto out;
	rc = estimate(incidence, n, w, n, cfg, lambda, out);
out:
	if (buf != stack)
		free(buf);
	return rc;
}

/* ---- doubling time ---- */

double fk_doubling_time(const double *incidence, int n, int days)
{
	if (!incidence || days < 2 || n < days)
		return NAN;
	const double *x = incidence + (n - days);
	for (int d = 0; d < days; d++)
		if (!(x[d] >= 0.0) || !isfinite(x[d]))
			return NAN;
	/* slope = sum (d - dbar) y_d / sum (d - dbar)^2, dbar = (days-1)/2; the
	 * numerator summed in symmetric pairs so that a flat series gives
	 * exactly 0 rather than rounding noise of either sign */
	const double dbar = (days - 1) / 2.0;
	double num = 0.0;
	for (int d = 0; d < days / 2; d++)
		num += (dbar - d) * (log(x[days - 1 - d] + 0.5) - log(x[d] + 0.5));
	const double sxx = (double)days * ((double)days * days - 1.0) / 12.0;
	const double r = num / sxx;
	return r > 0.0 ? M_LN2 / r : INFINITY;
}
