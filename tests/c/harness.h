/*
 * The C harness's shared fixtures and the tests defined outside harness.c (see harness.c).
 */
#ifndef PSIM_TEST_HARNESS_H
#define PSIM_TEST_HARNESS_H

#include <stddef.h>

#include "payment_sim.h"

/* A (1,000) and B (0), no arrivals, 2 days of 5 ticks. */
extern const char *const TWO_AGENTS;

/* The seed's 10-agent workload (BANK_A..BANK_J), built at run time into `buf`. */
void seed_workload(char *buf, size_t size, unsigned ticks_per_day, unsigned num_days,
                   unsigned seed);

/* Count the `"seq":` keys of an events document (one per event). */
long long count_events(const char *json);

/* A new simulation, checked. */
psim_sim_t *new_sim(const char *config);

/* harness_documents.c */
void test_config_documents(void);
void test_budgets(void);
void test_indicators_and_timeseries(void);

/* harness_threads.c */
void test_many_cycles(int cycles);
void test_two_threads_two_handles(void);
void test_two_threads_one_handle(void);

#endif
