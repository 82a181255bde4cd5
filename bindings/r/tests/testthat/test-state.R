# The seed's tests/ffi/test_state_queries.py, and the documents.

test_that("balances", {
  sim <- sim_new(two_agent_config())
  expect_equal(sim_balance(sim, "BANK_A"), 1000000)
  expect_equal(sim_balance(sim, "BANK_B"), 2000000)
})

test_that("queue sizes start at zero", {
  sim <- sim_new(two_agent_config())
  expect_equal(sim_queue1_size(sim, "BANK_A"), 0)
  expect_equal(sim_queue2_size(sim), 0)
})

test_that("agent ids in configuration order", {
  expect_equal(sim_agent_ids(sim_new(two_agent_config())), c("BANK_A", "BANK_B"))
})

test_that("a submitted payment waits in Queue 1 and arrives at the next tick", {
  sim <- sim_new(two_agent_config())
  id <- sim_submit(sim, sender = "BANK_A", receiver = "BANK_B", amount = 100000,
                   deadline_offset = 50, priority = 5)
  expect_type(id, "character")
  expect_match(id, "^T[0-9]+$")
  expect_equal(sim_queue1_size(sim, "BANK_A"), 1)
  result <- sim_tick(sim)
  expect_equal(result$num_arrivals, 1)
  expect_equal(result$num_settlements, 1)
  expect_equal(sim_balance(sim, c("BANK_A", "BANK_B")), c(BANK_A = 900000, BANK_B = 2100000))
})

test_that("a data frame of payments is submitted row by row; NA means the default", {
  sim <- sim_new(two_agent_config())
  ids <- sim_submit(sim, data.frame(
    sender = c("BANK_A", "BANK_B", "BANK_A"), receiver = c("BANK_B", "BANK_A", "BANK_B"),
    amount = c(1000, 2000, 3000), priority = c(NA, 9, NA)
  ))
  expect_length(ids, 3)
  expect_equal(anyDuplicated(ids), 0)
  sim_tick(sim)
  arrivals <- subset(sim_events(sim), type == "arrival")
  expect_equal(arrivals$amount, c(1000, 2000, 3000))
  expect_equal(arrivals$priority, c(5, 9, 5))
  expect_equal(arrivals$deadline_tick, c(50, 50, 50))
  expect_equal(sim_submit(sim, data.frame(sender = character(), receiver = character())), character())
})

test_that("state and statistics are data frames where the documents hold arrays", {
  sim <- sim_new(scenario("scarce_liquidity.yaml"))
  sim_run(sim, 50)
  state <- sim_state(sim)
  expect_equal(state$tick, 50)
  expect_s3_class(state$agents, "data.frame")
  expect_equal(state$agents$id, sim_agent_ids(sim))
  expect_equal(state$agents$balance, unname(sim_balance(sim, sim_agent_ids(sim))))
  expect_equal(sum(state$agents$queue2_size), state$queue2_size)
  stats <- sim_stats(sim)
  expect_s3_class(stats$agents, "data.frame")
  expect_true("costs.total" %in% names(stats$agents))
  expect_equal(stats$ticks_run, 50)
  expect_equal(sum(unlist(stats$settlements_by_mechanism)), stats$settlements)
  workload <- sim_workload(sim)
  expect_equal(workload$remaining_ticks, sim_horizon(sim) - 50)
})

test_that("events as a data frame, a list or JSON lines, polled and paged", {
  sim <- sim_new(scenario("four_bank_ring.yaml"))
  sim_run(sim, 10)
  frame <- sim_events(sim)
  lines <- sim_events(sim, as = "json")
  items <- sim_events(sim, as = "list")
  expect_equal(nrow(frame), length(lines))
  expect_equal(length(items), length(lines))
  expect_equal(frame$seq, seq_len(nrow(frame)))
  expect_equal(attr(frame, "last_seq"), nrow(frame))
  expect_equal(attr(lines, "last_seq"), nrow(frame))
  expect_equal(items[[1]]$type, frame$type[[1]])
  last <- attr(frame, "last_seq")
  sim_run(sim, 5)
  newer <- sim_events(sim, from_seq = last)
  expect_equal(newer$seq[[1]], last + 1)
  page <- sim_events(sim, from_seq = 0, max_events = 3, as = "json")
  expect_identical(as.vector(page), as.vector(lines[1:3]))
  expect_equal(attr(page, "last_seq"), attr(sim_events(sim), "last_seq"))
  empty <- sim_events(sim, from_seq = 1e6)
  expect_s3_class(empty, "data.frame")
  expect_equal(nrow(empty), 0)
  sim_events_discard(sim, 10)
  expect_equal(sim_events(sim)$seq[[1]], 11)
})

test_that("factor columns and non-ASCII agent ids travel as UTF-8", {
  euro <- "BANK_\u00c9\u20ac"
  config <- two_agent_config()
  config$agent_configs[[2]]$id <- euro
  sim <- sim_new(config)
  expect_equal(sim_agent_ids(sim), c("BANK_A", euro))
  payments <- data.frame(sender = "BANK_A", receiver = euro, amount = 500, stringsAsFactors = TRUE)
  expect_true(is.factor(payments$receiver))
  sim_submit(sim, payments)
  sim_tick(sim)
  expect_equal(sim_balance(sim, euro), 2000500)
  arrival <- sim_events(sim)[1, ]
  expect_equal(arrival$receiver, euro)
  expect_match(sim_events(sim, as = "json")[[1]], euro, fixed = TRUE)
  expect_equal(Encoding(sim_events(sim, as = "json")[[1]]), "UTF-8")
})

test_that("event lines are cut right around quotes, backslashes and brackets in ids", {
  awkward <- "B\"],{\\\"x\\"
  config <- two_agent_config()
  config$agent_configs[[2]]$id <- awkward
  sim <- sim_new(config)
  sim_submit(sim, sender = "BANK_A", receiver = awkward, amount = 700)
  sim_submit(sim, sender = awkward, receiver = "BANK_A", amount = 300)
  sim_tick(sim)
  lines <- sim_events(sim, as = "json")
  items <- sim_events(sim, as = "list")
  expect_equal(length(lines), length(items))
  attr(items, "last_seq") <- NULL
  expect_identical(lapply(as.vector(lines), jsonlite::parse_json), items)
  expect_equal(items[[1]]$receiver, awkward)
})
