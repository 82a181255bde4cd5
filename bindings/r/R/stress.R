# The automated stress tester: the benchmark scenario and one variant per stressed participant
# per scenario of the definition, run by the core on `threads` threads. No handle: one call.

stress_run <- function(config, stress, threads = 0, progress = FALSE, as = c("list", "json")) {
  as <- match.arg(as)
  if (!is.logical(progress) || length(progress) != 1L || is.na(progress)) {
    raise_glue("type", "`progress` must be TRUE or FALSE", "progress")
  }
  conf <- document(config, "config")
  def <- document(stress, "stress")
  text <- .Call(C_ps_stress_run, conf$text, def$text, threads, progress)
  if (as == "json") text else from_json(text)
}

# The rankings of a report as one data frame: per scenario, the participants by damage done to
# the others (highest first; the core's order).
stress_ranking <- function(report) {
  if (is.character(report)) report <- from_json(report)
  rankings <- report$rankings
  if (!is.data.frame(rankings) || is.null(rankings$entries)) {
    raise_glue("type", "`report` must be a report from stress_run()", "report")
  }
  rows <- lapply(seq_len(nrow(rankings)), function(i) {
    entries <- rankings$entries[[i]]
    if (!is.data.frame(entries) || nrow(entries) == 0L) return(NULL)
    data.frame(scenario = rankings$scenario[[i]], type = rankings$type[[i]], rank = entries$rank,
               participant = entries$participant, damage = entries$damage,
               stringsAsFactors = FALSE)
  })
  rows <- rows[!vapply(rows, is.null, TRUE)]
  if (length(rows) == 0L) {
    return(data.frame(scenario = numeric(), type = character(), rank = numeric(),
                      participant = character(), damage = numeric(), stringsAsFactors = FALSE))
  }
  do.call(rbind, rows)
}
