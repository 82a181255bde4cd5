/*
 * minimal.c: create a simulation from a JSON configuration file, run one business day in a
 * single call, and print its statistics.
 *
 *   cc -std=c99 minimal.c $(pkg-config --cflags --libs payment_sim) -o minimal
 *   ./minimal examples/c/minimal.json
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payment_sim.h"

/* Read a whole file into a NUL-terminated buffer (caller frees). */
static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long size;
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        text = malloc((size_t)size + 1);
        if (text != NULL && fread(text, 1, (size_t)size, f) == (size_t)size) {
            text[size] = '\0';
        } else {
            free(text);
            text = NULL;
        }
    }
    fclose(f);
    return text;
}

/* The number after the first "key": in a compact JSON document (enough for this example;
 * use a JSON library in real code). */
static double json_number(const char *json, const char *key) {
    char pattern[64];
    const char *at;
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    at = strstr(json, pattern);
    return at ? strtod(at + strlen(pattern), NULL) : -1.0;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "examples/c/minimal.json";
    char *config = read_file(path);
    psim_sim_t *sim = NULL;
    char *summary = NULL, *stats = NULL;
    uint64_t horizon = 0;
    int exit_code = 1;

    if (psim_abi_version() != PSIM_ABI_VERSION) {
        fprintf(stderr, "library ABI %u, header ABI %d\n", psim_abi_version(), PSIM_ABI_VERSION);
        return 1;
    }
    if (config == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    if (psim_sim_new(config, &sim) != PSIM_STATUS_OK) {
        fprintf(stderr, "invalid configuration %s: %s\n", path, psim_last_error());
        goto done;
    }
    /* The configuration has num_days = 1, so the horizon is one business day. */
    if (psim_sim_horizon(sim, &horizon) != PSIM_STATUS_OK ||
        psim_sim_run(sim, horizon, &summary) != PSIM_STATUS_OK ||
        psim_sim_stats(sim, &stats) != PSIM_STATUS_OK) {
        fprintf(stderr, "simulation failed: %s\n", psim_last_error());
        goto done;
    }
    printf("payment-sim %s: ran %s for %llu ticks\n", psim_version(), path,
           (unsigned long long)horizon);
    printf("  payments arrived   %12.0f\n", json_number(stats, "arrivals"));
    printf("  payments settled   %12.0f  (%.1f%% by count, %.1f%% by value)\n",
           json_number(stats, "settlements"), 100.0 * json_number(stats, "settlement_rate_count"),
           100.0 * json_number(stats, "settlement_rate_value"));
    printf("  settled by the LSM %11.1f%%\n", 100.0 * json_number(stats, "lsm_share"));
    printf("  value settled      %12.2f\n", json_number(stats, "settled_value") / 100.0);
    printf("  mean delay (ticks) %12.2f\n", json_number(stats, "mean_ticks"));
    printf("  still queued       %12.0f in Queue 1, %.0f in Queue 2\n",
           json_number(stats, "queue1_size"), json_number(stats, "queue2_size"));
    printf("statistics: %s\n", stats);
    exit_code = 0;

done:
    psim_string_free(summary);
    psim_string_free(stats);
    psim_sim_free(sim);
    free(config);
    return exit_code;
}
