# rt-fixtures.R - reference values for src/core/epi/rt.c, computed by the real
# EpiEstim (Cori et al. 2013), so that the C unit tests (tests/unit/core/test_rt.c)
# can check the estimator without R at test time.
#
# Regenerate (from the repository root; needs the Debian package r-cran-epiestim):
#     Rscript scripts/rt-fixtures.R
# It rewrites every file in tests/fixtures/rt/ and prints one line per file.
# Commit the script and its output together.
#
# Files written:
#   <series>-si<NN>.json  one estimate_R(incid, method = "parametric_si",
#                         config = make_config(list(mean_si, std_si))) run with
#                         EpiEstim's defaults (7-day sliding windows t_start = 2..T-6,
#                         t_end = 8..T; Gamma prior mean 5, sd 5).  Holds the input
#                         incidence, the config, the SI EpiEstim used (si_distr), the
#                         posterior shape and scale per window (a_prior + cases and
#                         1 / (1 / b_prior + sum of lambda), recomputed here from
#                         Mean and Std as Mean^2/Std^2 and Std^2/Mean) and the table:
#                         t_start, t_end, mean = Mean(R), std = Std(R),
#                         q025 .. q975 = Quantile.0.025(R) .. Quantile.0.975(R),
#                         median = Median(R).  A window EpiEstim leaves NA (t_end not
#                         past the SI's mean) is written as null.
#   si.json               discr_si(0:k_max, mu, sigma) for several (mu, sigma).
#   qgamma.json           qgamma(p, shape) for shapes where GSL's gamma inverse CDF
#                         does not converge, and for very small and very large shapes.
# Numbers are written with sprintf("%.17g") (round-trips a double exactly);
# jsonlite is not needed.
Sys.setenv(TZ = "UTC") # keeps R from asking timedatectl, absent in containers
suppressPackageStartupMessages(library(EpiEstim))

if (!file.exists("scripts/rt-fixtures.R"))
	stop("run from the repository root: Rscript scripts/rt-fixtures.R")
out_dir <- "tests/fixtures/rt"
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

num <- function(x) ifelse(is.na(x), "null", sprintf("%.17g", x))
arr <- function(x) paste0("[", paste(num(x), collapse = ","), "]")
str <- function(s) paste0("\"", gsub("\"", "\\\\\"", s), "\"")
version_note <- paste0("EpiEstim ", packageVersion("EpiEstim"), ", ", R.version.string)

write_file <- function(name, text) {
	path <- file.path(out_dir, name)
	writeLines(text, path)
	cat(path, "\n")
}

# ---- incidence series (deterministic formulas: regenerating gives the same input) ----
t40 <- 1:40
series <- list(
	growing = round(2 * exp(0.11 * (t40 - 1)) * (1 + 0.25 * sin(1.3 * t40))),
	declining = round(180 * exp(-0.07 * (t40 - 1)) * (1 + 0.2 * cos(0.9 * t40))),
	# ten silent days, sporadic cases, and a silent tail: windows whose
	# infectivity is exactly 0 (posterior = prior) and windows with cases but
	# almost no infectivity
	zeros = c(rep(0, 10), 1, 0, 0, 2, 0, 1, 0, 0, 0, 3, 0, 0, 1, 0, 0, rep(0, 8), 2, 0),
	# a 90-day wave with a weekly reporting dip (every seventh day reports 30% less)
	long = {
		t <- 1:90
		round((3 + 400 * exp(-((t - 45) / 14)^2) * (1 + 0.15 * sin(0.7 * t))) *
			ifelse(t %% 7 == 6, 0.7, 1))
	},
	# a city-scale wave: weekly sums from hundreds to ~10^6, so posterior shapes
	# cross both the range where gsl_cdf_gamma_Pinv fails to converge (~1e3..3e5)
	# and the range past which rt.c uses the Wilson-Hilferty closed form (1e5)
	large = {
		t <- 1:60
		round(50 + 150000 * exp(-((t - 35) / 9)^2))
	}
)
data(Flu2009, package = "EpiEstim", envir = environment())
if (exists("Flu2009"))
	series$flu2009 <- as.numeric(Flu2009$incidence$I)

# (series, mean_si, std_si, tag): every series with the project default SI
# (Nishiura et al. 2020) and the early-Wuhan SI (Li et al. 2020); Flu2009 with
# the SI of EpiEstim's own vignette; a long SI whose mean exceeds the first
# windows' t_end, so EpiEstim leaves them NA.
runs <- list()
for (s in names(series)) {
	runs[[length(runs) + 1]] <- list(s, 4.7, 2.9, "si47")
	runs[[length(runs) + 1]] <- list(s, 7.5, 3.4, "si75")
}
if (!is.null(series$flu2009))
	runs[[length(runs) + 1]] <- list("flu2009", 2.6, 1.5, "si26")
runs[[length(runs) + 1]] <- list("growing", 9.0, 3.0, "si90")

for (r in runs) {
	name <- r[[1]]
	mean_si <- r[[2]]
	std_si <- r[[3]]
	incid <- series[[name]]
	res <- suppressWarnings(suppressMessages(estimate_R(incid, method = "parametric_si",
		config = make_config(list(mean_si = mean_si, std_si = std_si)))))
	R <- res$R
	m <- R[["Mean(R)"]]
	s <- R[["Std(R)"]]
	rows <- sprintf(paste0("    {\"t_start\":%d,\"t_end\":%d,\"shape\":%s,\"scale\":%s,",
		"\"mean\":%s,\"std\":%s,\"q025\":%s,\"q05\":%s,\"q25\":%s,\"median\":%s,",
		"\"q75\":%s,\"q95\":%s,\"q975\":%s}"),
		as.integer(R$t_start), as.integer(R$t_end), num(m^2 / s^2), num(s^2 / m),
		num(m), num(s), num(R[["Quantile.0.025(R)"]]), num(R[["Quantile.0.05(R)"]]),
		num(R[["Quantile.0.25(R)"]]), num(R[["Median(R)"]]), num(R[["Quantile.0.75(R)"]]),
		num(R[["Quantile.0.95(R)"]]), num(R[["Quantile.0.975(R)"]]))
	text <- c("{",
		paste0("  \"source\": ", str(paste0(version_note, "; estimate_R(incid, method = ",
			"\"parametric_si\", config = make_config(list(mean_si, std_si)))")), ","),
		paste0("  \"series\": ", str(name), ","),
		paste0("  \"config\": {\"mean_si\":", num(mean_si), ",\"std_si\":", num(std_si),
			",\"mean_prior\":5,\"std_prior\":5,\"window\":7},"),
		paste0("  \"incidence\": ", arr(incid), ","),
		paste0("  \"si_distr\": ", arr(as.numeric(res$si_distr)), ","),
		paste0("  \"si_moments\": {\"mean\":", num(res$SI.Moments$Mean), ",\"std\":",
			num(res$SI.Moments$Std), "},"),
		"  \"R\": [",
		paste(rows, collapse = ",\n"),
		"  ]",
		"}")
	write_file(paste0(name, "-", r[[4]], ".json"), text)
}

# ---- discr_si ----
si_cases <- list(c(4.7, 2.9, 40), c(7.5, 3.4, 40), c(2.6, 1.5, 30), c(9, 3, 40),
	c(1.5, 0.5, 20), c(3, 5, 60), c(20, 2, 60))
si_rows <- vapply(si_cases, function(c) {
	k <- 0:c[3]
	paste0("    {\"mean\":", num(c[1]), ",\"sd\":", num(c[2]), ",\"k_max\":", c[3],
		",\"w\":", arr(discr_si(k, c[1], c[2])), "}")
}, "")
write_file("si.json", c("{",
	paste0("  \"source\": ", str(paste0(version_note, "; discr_si(0:k_max, mean, sd)")), ","),
	"  \"cases\": [", paste(si_rows, collapse = ",\n"), "  ]", "}"))

# ---- qgamma ----
probs <- c(0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975)
shapes <- c(0.05, 0.1177, 0.5, 1, 2.5, 12, 101, 946, 1160, 1736, 2000.69, 25000,
	99999, 1e5, 268500, 1e6, 1e7, 1e9)
q_rows <- vapply(shapes, function(a) {
	paste0("    {\"shape\":", num(a), ",\"q\":", arr(qgamma(probs, shape = a, scale = 1)), "}")
}, "")
write_file("qgamma.json", c("{",
	paste0("  \"source\": ", str(paste0(version_note, "; qgamma(p, shape, scale = 1)")), ","),
	paste0("  \"p\": ", arr(probs), ","),
	"  \"cases\": [", paste(q_rows, collapse = ",\n"), "  ]", "}"))
