/*
 * bench.c: the cost of the C API on the seed's 10-agent workload (BANK_A..BANK_J, 5,000,000
 * opening, 1,000,000 credit, Fifo, rate 0.5, Normal(100000, 30000), uniform weights).
 *
 *   make capi-bench            (release library; PROFILE=bench for fat LTO)
 *
 * Reports, as medians over REPEATS fresh simulations:
 *  - one psim_sim_tick() call (tick + tick-result JSON + psim_string_free), per call;
 *  - psim_sim_run(10000) in one call, total and per tick.
 *  - one psim_sim_current_tick() call: the fixed cost of crossing the boundary.
 * It reports figures; it asserts nothing.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "payment_sim.h"

#define TICKS 10000
#define REPEATS 5

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void seed_workload(char *buf, size_t size, const char *recording) {
    size_t n = 0;
    int a, b;
    n += (size_t)snprintf(buf + n, size - n,
                          "{\"ticks_per_day\": 100, \"num_days\": 200, \"rng_seed\": 42, "
                          "\"event_recording\": \"%s\", \"agent_configs\": [",
                          recording);
    for (a = 0; a < 10; ++a) {
        n += (size_t)snprintf(buf + n, size - n,
                              "%s{\"id\": \"BANK_%c\", \"opening_balance\": 5000000, "
                              "\"credit_limit\": 1000000, \"policy\": {\"type\": \"Fifo\"}, "
                              "\"arrival_config\": {\"rate_per_tick\": 0.5, \"distribution\": "
                              "{\"type\": \"Normal\", \"mean\": 100000, \"std_dev\": 30000}, "
                              "\"counterparty_weights\": {",
                              a ? ", " : "", 'A' + a);
        for (b = 0; b < 10; ++b) {
            if (b != a) {
                n += (size_t)snprintf(buf + n, size - n, "%s\"BANK_%c\": 1.0",
                                      (b == 0 || (a == 0 && b == 1)) ? "" : ", ", 'A' + b);
            }
        }
        n += (size_t)snprintf(buf + n, size - n, "}}}");
    }
    snprintf(buf + n, size - n, "]}");
}

static int compare(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double median(double *values) {
    qsort(values, REPEATS, sizeof values[0], compare);
    return values[REPEATS / 2];
}

static int bench(const char *recording) {
    static char config[8192];
    double tick_call[REPEATS], run_total[REPEATS], tick_median, run_median;
    int r, i;

    seed_workload(config, sizeof config, recording);
    for (r = 0; r < REPEATS; ++r) {
        psim_sim_t *sim = NULL;
        char *json = NULL;
        double start;

        if (psim_sim_new(config, &sim) != PSIM_STATUS_OK) {
            fprintf(stderr, "psim_sim_new: %s\n", psim_last_error());
            return 1;
        }
        start = now_seconds();
        for (i = 0; i < TICKS; ++i) {
            if (psim_sim_tick(sim, &json) != PSIM_STATUS_OK) {
                fprintf(stderr, "psim_sim_tick: %s\n", psim_last_error());
                return 1;
            }
            psim_string_free(json);
        }
        tick_call[r] = (now_seconds() - start) / TICKS;
        psim_sim_free(sim);

        if (psim_sim_new(config, &sim) != PSIM_STATUS_OK) {
            return 1;
        }
        start = now_seconds();
        if (psim_sim_run(sim, TICKS, &json) != PSIM_STATUS_OK) {
            fprintf(stderr, "psim_sim_run: %s\n", psim_last_error());
            return 1;
        }
        run_total[r] = now_seconds() - start;
        psim_string_free(json);
        psim_sim_free(sim);
    }
    tick_median = median(tick_call);
    run_median = median(run_total);
    printf("event_recording=%-4s  psim_sim_tick: %5.2f us/call (%6.0f ticks/s)   "
           "psim_sim_run(%d): %6.2f ms (%4.2f us/tick, %6.0f ticks/s)\n",
           recording, tick_median * 1e6, 1.0 / tick_median, TICKS, run_median * 1e3,
           run_median / TICKS * 1e6, TICKS / run_median);
    return 0;
}

static int bench_boundary(void) {
    static char config[8192];
    double per_call[REPEATS];
    psim_sim_t *sim = NULL;
    uint64_t tick, sum = 0;
    int r, i;

    seed_workload(config, sizeof config, "off");
    if (psim_sim_new(config, &sim) != PSIM_STATUS_OK) {
        return 1;
    }
    for (r = 0; r < REPEATS; ++r) {
        double start = now_seconds();
        for (i = 0; i < 1000000; ++i) {
            psim_sim_current_tick(sim, &tick);
            sum += tick;
        }
        per_call[r] = (now_seconds() - start) / 1000000;
    }
    psim_sim_free(sim);
    printf("boundary: psim_sim_current_tick %.0f ns/call (checksum %llu)\n",
           median(per_call) * 1e9, (unsigned long long)sum);
    return 0;
}

int main(void) {
    printf("libpayment_sim %s, seed 10-agent workload, median of %d runs\n", psim_version(),
           REPEATS);
    return bench("full") || bench("off") || bench_boundary();
}
