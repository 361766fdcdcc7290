# Export the R-sourced tables of the real-table battery (see README.md in this folder).
#
#   Rscript test/bench/battery/export.R [DIR]        (default /tmp/kryptonite-battery)
#
# Every table comes from a package installed on this machine (Debian r-cran-* packages; no network). Files are written
# with write.csv(row.names = FALSE, na = "NA"): character and factor values are quoted, missing values are the bare
# NA marker and logicals are TRUE/FALSE — what a researcher gets when exporting from R. Row names that carry
# information (Titanic passenger names, Zoo animals, Prestige occupations) become an explicit first column.
#
# For about a third of the tables, "permuted copies" are appended: a real feature column (usually a strong one)
# copied with its rows shuffled by a seeded permutation, under a name that does not say so (`<source>_a1`). They keep
# the marginal distribution and missingness of a real feature but carry no information about the label.
# manifest.json lists them; export.py checks that this script and the manifest agree.

args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[[1]] else "/tmp/kryptonite-battery"
dir.create(dir, recursive = TRUE, showWarnings = FALSE)

get_data <- function(pkg, name) {
  e <- new.env()
  data(list = name, package = pkg, envir = e)
  get(name, envir = e)
}

# Append row-permuted copies of `columns` named `<column>_a1`. One seed per table so adding or reordering tables does
# not change another table's copies.
add_permuted <- function(d, columns, seed) {
  set.seed(seed)
  for (col in columns) {
    stopifnot(col %in% names(d))
    d[[paste0(col, "_a1")]] <- d[[col]][sample.int(nrow(d))]
  }
  d
}

with_rownames <- function(d, column) {
  out <- data.frame(x = rownames(d), stringsAsFactors = FALSE)
  names(out) <- column
  cbind(out, as.data.frame(d))
}

tables <- list(
  # ---- binary -------------------------------------------------------------------------------------------------
  breast_cancer_wisconsin = function() get_data("mlbench", "BreastCancer"),
  house_votes_84 = function() add_permuted(get_data("mlbench", "HouseVotes84"), c("V4", "V12"), 101),
  pima_diabetes = function() add_permuted(get_data("mlbench", "PimaIndiansDiabetes2"), c("glucose", "insulin"), 102),
  sonar = function() get_data("mlbench", "Sonar"),
  ionosphere = function() add_permuted(get_data("mlbench", "Ionosphere"), c("V5"), 103),
  spam = function() get_data("kernlab", "spam"),
  titanic_survival = function() {
    add_permuted(with_rownames(get_data("carData", "TitanicSurvival"), "name"), c("sex", "age"), 104)
  },
  arrests = function() get_data("carData", "Arrests"),
  telco_churn = function() add_permuted(as.data.frame(get_data("modeldata", "wa_churn")), c("tenure", "contract"), 105),
  trump_tweets_android = function() {
    # D. Robinson's classic question: which tweets came from Trump's Android phone and which from the staff iPhone?
    d <- get_data("dslabs", "trump_tweets")
    d[d$source %in% c("Twitter for Android", "Twitter for iPhone"), ]
  },
  # ---- multiclass -----------------------------------------------------------------------------------------------
  soybean = function() get_data("mlbench", "Soybean"),
  glass = function() add_permuted(get_data("mlbench", "Glass"), c("Mg", "Al"), 106),
  zoo = function() with_rownames(get_data("mlbench", "Zoo"), "animal"),
  penguins = function() {
    add_permuted(as.data.frame(get_data("palmerpenguins", "penguins")), c("flipper_length_mm", "island"), 107)
  },
  shuttle = function() get_data("mlbench", "Shuttle"),
  pbc = function() get_data("survival", "pbc"),
  olive = function() add_permuted(get_data("dslabs", "olive"), c("linoleic", "oleic"), 108),
  chile = function() get_data("carData", "Chile"),
  mpg = function() as.data.frame(get_data("ggplot2", "mpg")),
  # ---- regression -------------------------------------------------------------------------------------------------
  boston_housing = function() {
    # BostonHousing2 carries the corrected median value cmedv beside the original medv; keep only the corrected one
    # as the label (medv would be a near-copy of it).
    d <- get_data("mlbench", "BostonHousing2")
    add_permuted(d[, setdiff(names(d), "medv")], c("lstat", "rm"), 109)
  },
  diamonds = function() as.data.frame(get_data("ggplot2", "diamonds")),
  economics = function() as.data.frame(get_data("ggplot2", "economics")),
  txhousing = function() as.data.frame(get_data("ggplot2", "txhousing")),
  gapminder = function() add_permuted(get_data("dslabs", "gapminder"), c("infant_mortality", "fertility"), 110),
  salaries = function() get_data("carData", "Salaries"),
  prestige = function() with_rownames(get_data("carData", "Prestige"), "occupation"),
  cars93 = function() get_data("MASS", "Cars93"),
  servo = function() get_data("mlbench", "Servo"),
  airquality = function() add_permuted(get_data("datasets", "airquality"), c("Temp", "Wind"), 111),
  chickweight = function() {
    d <- get_data("datasets", "ChickWeight")
    # Drop the groupedData classes so write.csv sees a plain data frame; Chick stays an (ordered) factor of ids.
    data.frame(weight = d$weight, Time = d$Time, Chick = as.character(d$Chick), Diet = as.character(d$Diet))
  },
  msleep = function() as.data.frame(get_data("ggplot2", "msleep"))
)

started <- Sys.time()
for (name in names(tables)) {
  d <- tables[[name]]()
  file <- file.path(dir, paste0(name, ".csv"))
  write.csv(d, file, row.names = FALSE, na = "NA")
  cat(sprintf("%-24s %6d x %3d  %s\n", name, nrow(d), ncol(d), file))
}
elapsed <- as.numeric(difftime(Sys.time(), started, units = "secs"))
cat(sprintf("export.R: %d tables in %.1f s\n", length(tables), elapsed))
