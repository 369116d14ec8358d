/* rt.h - the time-varying reproduction number Rt by the method of Cori et al.
 * (2013), computed as the R package EpiEstim (2.2.4) computes
 * estimate_R(incid, method = "parametric_si", config = make_config(list(mean_si,
 * std_si))) with its defaults, and a doubling time.  Agreement with EpiEstim is
 * checked by tests/unit/core/test_rt.c against fixtures written by
 * scripts/rt-fixtures.R (largest relative difference seen: 5e-10).
 *
 * The model, as EpiEstim implements it (1-based days t = 1..n as in R):
 *   - All cases of day 1 are taken as imported: they infect others but are never
 *     counted as offspring.  Windows therefore start at day 2.
 *   - The serial interval (SI) is discretised from a gamma distribution by
 *     fk_si_discretise (EpiEstim's discr_si) for k = 0..n-1 days; w[0] = 0.  The
 *     weights are not renormalised (their sum falls short of 1 by the mass past
 *     day n-1).
 *   - Infectivity on day t: lambda_t = sum over s = 1..t-1 of w[s] * I_{t-s}.
 *   - Windows slide by one day: t_end = window+1 .. n, t_start = t_end-window+1
 *     (EpiEstim's default t_start = 2:(T-6), t_end = 8:T for window 7).
 *   - Gamma prior on R with mean prior_mean and sd prior_sd: shape
 *     a0 = (prior_mean/prior_sd)^2, scale b0 = prior_sd^2/prior_mean.
 *   - Posterior for a window: shape = a0 + sum of I_t over the window, scale =
 *     1 / (1/b0 + sum of lambda_t over the window); mean = shape*scale, sd =
 *     sqrt(shape)*scale, quantiles of that gamma.
 *   - A window whose t_end is not greater than the mean of the discretised SI
 *     (sum of k*w[k]) is not estimated (EpiEstim gives NA): its posterior fields
 *     are NAN.
 * A window with no infectivity at all (only zeros before it) gets the posterior
 * shape a0 + its cases and scale b0: with no cases that is the prior itself
 * (mean 5, sd 5 by default), which EpiEstim reports as is.  fk_rt_point
 * carries the window's cases and infectivity so that callers can tell such
 * windows (infectivity 0) and thin ones (few cases: wide intervals) apart.
 *
 * Cost: O(n*k) for the infectivity (k = SI length used, at most n) plus
 * O(n*window) for the sums plus 7 gamma quantiles per window; no allocation
 * for n <= FK_RT_STACK_DAYS.  About 0.7 ms for 90 days (83 windows) on one
 * core, nearly all of it in the 581 quantiles.
 * All functions are reentrant (no global state, GSL's error handler is never
 * reached: see rt.c).
 */
#ifndef FK_RT_H
#define FK_RT_H

/* Estimation settings.  Defaults: SI mean 4.7 d, sd 2.9 d (COVID-19, Nishiura
 * et al. 2020); EpiEstim's prior mean 5, sd 5; 7-day windows. */
typedef struct fk_rt_config {
	double si_mean;    /* days, > 1 (the gamma is shifted by one day) */
	double si_sd;      /* days, > 0 */
	double prior_mean; /* > 0 */
	double prior_sd;   /* > 0 */
	int window;        /* days per window, >= 1 */
} fk_rt_config;

#define FK_RT_CONFIG_DEFAULT { 4.7, 2.9, 5.0, 5.0, 7 }

/* Series up to this many days are estimated without touching the heap. */
#define FK_RT_STACK_DAYS 512

/* One window's posterior.  t_start and t_end are 1-based days, inclusive, as
 * in EpiEstim's table.  cases and infectivity are the window's sums of
 * incidence and of lambda (always set).  shape and scale are the gamma
 * posterior's; mean and sd are Mean(R) and Std(R); q025 .. q975 are the 2.5%,
 * 5%, 25%, 50% (median), 75%, 95% and 97.5% quantiles.  These eleven are NAN
 * when the window is not estimated (t_end <= mean SI). */
typedef struct fk_rt_point {
	int t_start, t_end;
	double cases, infectivity;
	double shape, scale;
	double mean, sd;
	double q025, q05, q25, median, q75, q95, q975;
} fk_rt_point;

/* Estimates Rt over every window of incidence[0..n) (cases by day, day 1
 * first; counts, but any finite value >= 0 is accepted).  cfg NULL means the
 * defaults.  out must hold n - cfg->window points (out[i] has t_end =
 * window + 1 + i); nothing is written past that.  Returns the number of points,
 * 0 when n <= window, or -1 when an argument is invalid (NULL incidence or out,
 * a negative or non-finite count, a config outside the ranges above) or memory
 * runs out (n > FK_RT_STACK_DAYS only). */
int fk_rt_estimate(const double *incidence, int n, const fk_rt_config *cfg, fk_rt_point *out);

/* The same with a serial interval the caller supplies: w[0..nw) with w[0] = 0
 * and every w[k] finite and >= 0 (EpiEstim's non_parametric_si; weights past nw
 * are 0, the weights are used as given, not renormalised).  cfg->si_mean and
 * si_sd are ignored.  To reproduce fk_rt_estimate exactly, pass the output of
 * fk_si_discretise with k_max = n - 1: the NA rule uses the mean of w over all
 * nw entries.  Lets one discretised SI serve many regions.  Returns as
 * fk_rt_estimate. */
int fk_rt_estimate_si(const double *incidence, int n, const double *w, int nw, const fk_rt_config *cfg,
		      fk_rt_point *out);

/* EpiEstim's discr_si: w[k] for k = 0..k_max (w must hold k_max + 1 values)
 * is the probability mass at k days of the SI taken as 1 + a gamma variable of
 * mean mean - 1 and sd sd, discretised by linear interpolation of its CDF
 * (Cori et al. 2013, web appendix 11); w[0] = 0, negative rounding is clamped
 * to 0 as EpiEstim does.  Returns 0, or -1 when mean <= 1, sd <= 0, k_max < 0
 * or w is NULL.  The same formula, summed without EpiEstim's cancellation
 * (whose values carry an absolute error of a few k * 1e-16, all of a tail
 * value): relative error below 1e-9 (mostly ~1e-12) against a 50-digit
 * evaluation. */
int fk_si_discretise(double mean, double sd, int k_max, double *w);

/* The p-quantile of the gamma distribution with this shape and scale, for
 * 0 < p < 1, shape > 0, scale > 0 (NAN otherwise).  For shape < 1e5,
 * safeguarded Halley iterations on GSL's gamma CDF, relative accuracy ~1e-11;
 * for larger shapes the Wilson-Hilferty approximation, relative error at most
 * 5e-10 there (for 0.025 <= p <= 0.975).  A quantile below the smallest double
 * (tiny shapes, small p) is 0.  Never reaches GSL's error handler (whose
 * default aborts; gsl_cdf_gamma_Pinv does, see rt.c).  R's qgamma is the
 * reference. */
double fk_rt_gamma_quantile(double p, double shape, double scale);

/* Days over which fk_doubling_time is usually taken. */
#define FK_RT_DOUBLING_DAYS 7

/* Doubling time in days over the last `days` days of incidence[0..n):
 * log(2) / r, where r is the slope (per day) of the ordinary least-squares line
 * through the points (d, log(incidence[n - days + d] + 0.5)), d = 0..days-1.
 * The 0.5 keeps days without cases finite.  Returns that (> 0) when r > 0,
 * INFINITY when r <= 0 ("not growing": flat or declining), NAN when days < 2,
 * n < days, incidence is NULL or one of the counts used is negative or not
 * finite.  The last days are often incomplete (reporting delay); callers
 * choose which days to pass. */
double fk_doubling_time(const double *incidence, int n, int days);

#endif
