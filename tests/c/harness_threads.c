/*
 * The C harness (see harness.c): thousands of create/tick/free cycles, two threads on two
 * handles and two threads on one handle.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "harness.h"

void test_many_cycles(int cycles) {
    int i, ok = 1;
    for (i = 0; i < cycles; ++i) {
        psim_sim_t *sim = NULL;
        char *json = NULL;
        if (psim_sim_new(TWO_AGENTS, &sim) != PSIM_STATUS_OK) {
            ok = 0;
            break;
        }
        ok = ok && psim_sim_tick(sim, &json) == PSIM_STATUS_OK;
        psim_string_free(json);
        /* Every few cycles: a failure too, so error paths are leak-checked at scale. */
        if (i % 4 == 0) {
            ok = ok && psim_sim_agent_balance(sim, "nobody", NULL) == PSIM_STATUS_NULL_ARG;
            ok = ok && psim_sim_submit(sim, "{\"sender\": \"A\", \"receiver\": \"Z\", \"amount\": 1}",
                                       &json) == PSIM_STATUS_NOT_FOUND;
        }
        psim_sim_free(sim);
    }
    CHECK(ok);
}

/* ----- threads --------------------------------------------------------------------------- */

struct own_handle_job {
    const char *config;
    char *stats; /* the final statistics document */
    int failures;
};

static void *run_own_handle(void *arg) {
    struct own_handle_job *job = (struct own_handle_job *)arg;
    psim_sim_t *sim = NULL;
    char *json = NULL;
    int i;
    if (psim_sim_new(job->config, &sim) != PSIM_STATUS_OK) {
        job->failures++;
        return NULL;
    }
    for (i = 0; i < 150; ++i) {
        if (psim_sim_tick(sim, &json) != PSIM_STATUS_OK) {
            job->failures++;
        }
        psim_string_free(json);
        json = NULL;
    }
    /* The last error is per thread: this failure is invisible to the other threads. */
    if (psim_sim_agent_balance(sim, "nobody", (int64_t *)&i) != PSIM_STATUS_NOT_FOUND ||
        !contains(psim_last_error(), "nobody")) {
        job->failures++;
    }
    if (psim_sim_stats(sim, &job->stats) != PSIM_STATUS_OK) {
        job->failures++;
    }
    psim_sim_free(sim);
    return NULL;
}

void test_two_threads_two_handles(void) {
    static char config[8192];
    struct own_handle_job jobs[2];
    pthread_t threads[2];
    int i;
    uint64_t value;
    psim_sim_t *sim = new_sim(TWO_AGENTS);

    seed_workload(config, sizeof config, 500, 1, 11);
    for (i = 0; i < 2; ++i) {
        jobs[i].config = config;
        jobs[i].stats = NULL;
        jobs[i].failures = 0;
        CHECK(pthread_create(&threads[i], NULL, run_own_handle, &jobs[i]) == 0);
    }
    for (i = 0; i < 2; ++i) {
        pthread_join(threads[i], NULL);
        CHECK(jobs[i].failures == 0);
    }
    /* Same configuration and seed on two threads: the same bytes. */
    CHECK(jobs[0].stats && jobs[1].stats && strcmp(jobs[0].stats, jobs[1].stats) == 0);
    CHECK(json_int(jobs[0].stats, "ticks_run") == 150);
    psim_string_free(jobs[0].stats);
    psim_string_free(jobs[1].stats);
    CHECK_OK(psim_sim_current_tick(sim, &value));
    CHECK(strcmp(psim_last_error(), "") == 0);
    psim_sim_free(sim);
}

struct shared_handle_job {
    psim_sim_t *sim;
    int ticks;
    int failures;
};

static void *drive_shared_handle(void *arg) {
    struct shared_handle_job *job = (struct shared_handle_job *)arg;
    char *json = NULL;
    uint64_t value;
    int64_t balance;
    int i;
    for (i = 0; i < job->ticks; ++i) {
        if (psim_sim_tick(job->sim, &json) != PSIM_STATUS_OK) {
            job->failures++;
        }
        psim_string_free(json);
        json = NULL;
        if (psim_sim_state(job->sim, &json) != PSIM_STATUS_OK ||
            psim_sim_agent_balance(job->sim, "BANK_C", &balance) != PSIM_STATUS_OK ||
            psim_sim_queue2_size(job->sim, &value) != PSIM_STATUS_OK) {
            job->failures++;
        }
        psim_string_free(json);
        json = NULL;
        if (i % 50 == 0) {
            if (psim_sim_submit(job->sim, "{\"sender\": \"BANK_A\", \"receiver\": \"BANK_B\", "
                                          "\"amount\": 1000}", &json) != PSIM_STATUS_OK) {
                job->failures++;
            }
            psim_string_free(json);
            json = NULL;
            if (psim_sim_events(job->sim, 0, &json) != PSIM_STATUS_OK) {
                job->failures++;
            }
            psim_string_free(json);
            json = NULL;
        }
    }
    return NULL;
}

void test_two_threads_one_handle(void) {
    static char config[8192];
    struct shared_handle_job jobs[2];
    pthread_t threads[2];
    psim_sim_t *sim;
    char *stats = NULL;
    uint64_t value = 0;
    int i;

    seed_workload(config, sizeof config, 1000, 1, 5);
    sim = new_sim(config);
    for (i = 0; i < 2; ++i) {
        jobs[i].sim = sim;
        jobs[i].ticks = 200;
        jobs[i].failures = 0;
        CHECK(pthread_create(&threads[i], NULL, drive_shared_handle, &jobs[i]) == 0);
    }
    for (i = 0; i < 2; ++i) {
        pthread_join(threads[i], NULL);
        CHECK(jobs[i].failures == 0);
    }
    /* Serialised, not interleaved: exactly 400 whole ticks ran. */
    CHECK_OK(psim_sim_current_tick(sim, &value));
    CHECK(value == 400);
    CHECK_OK(psim_sim_stats(sim, &stats));
    CHECK(json_int(stats, "ticks_run") == 400);
    psim_string_free(stats);
    psim_sim_free(sim);
}

/* ----- main ------------------------------------------------------------------------------ */

/* ----- configuration documents: either shape, structured problems ------------------------ */
