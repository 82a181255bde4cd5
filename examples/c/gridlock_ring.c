/*
 * gridlock_ring.c: four banks with 10,000 each owe each other 50,000 around a ring
 * (A -> B -> C -> D -> A). No payment can settle gross, so all four wait in Queue 2: gridlock.
 * Multilateral offsetting (the LSM) settles the whole cycle at once, because every bank's net
 * position is zero, and every balance is back at its opening value.
 *
 * The same ring without multilateral offsetting stays gridlocked.
 *
 *   ./gridlock_ring examples/c/gridlock_ring.json
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payment_sim.h"

static const char *BANKS[4] = {"BANK_A", "BANK_B", "BANK_C", "BANK_D"};

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

static long long json_int(const char *json, const char *key) {
    char pattern[64];
    const char *at;
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    at = strstr(json, pattern);
    return at ? strtoll(at + strlen(pattern), NULL, 10) : -1;
}

#define TRY(call)                                                                      \
    do {                                                                               \
        if ((call) != PSIM_STATUS_OK) {                                                \
            fprintf(stderr, "%s failed: %s\n", #call, psim_last_error());              \
            goto fail;                                                                 \
        }                                                                              \
    } while (0)

/* Submit the ring, run one tick; return the tick's multilateral releases (or -1). */
static long long run_ring(const char *config, const char *label, int expect_resolved) {
    psim_sim_t *sim = NULL;
    char *tick = NULL, *id = NULL;
    char tx[160];
    long long cycle_releases = -1;
    uint64_t queued = 0;
    int64_t balance;
    int i, balances_ok = 1;

    TRY(psim_sim_new(config, &sim));
    for (i = 0; i < 4; ++i) {
        snprintf(tx, sizeof tx, "{\"sender\": \"%s\", \"receiver\": \"%s\", \"amount\": 50000}",
                 BANKS[i], BANKS[(i + 1) % 4]);
        TRY(psim_sim_submit(sim, tx, &id));
        printf("  %s: %s pays %s 50,000 (balance 10,000)\n", id, BANKS[i], BANKS[(i + 1) % 4]);
        psim_string_free(id);
        id = NULL;
    }
    TRY(psim_sim_tick(sim, &tick));
    TRY(psim_sim_queue2_size(sim, &queued));
    cycle_releases = json_int(tick, "lsm_cycle_releases");
    printf("  %s: tick 0 settled %lld payments, %lld by multilateral offsetting; %llu still "
           "queued\n",
           label, json_int(tick, "num_settlements"), cycle_releases, (unsigned long long)queued);
    for (i = 0; i < 4; ++i) {
        TRY(psim_sim_agent_balance(sim, BANKS[i], &balance));
        printf("    %s balance %lld\n", BANKS[i], (long long)balance);
        balances_ok = balances_ok && balance == 10000;
    }
    if (expect_resolved && (cycle_releases != 4 || queued != 0 || !balances_ok)) {
        fprintf(stderr, "expected the LSM to settle all 4 payments\n");
        cycle_releases = -1;
    }
    if (!expect_resolved && queued != 4) {
        fprintf(stderr, "expected the ring to stay gridlocked without multilateral offsetting\n");
        cycle_releases = -1;
    }
    psim_string_free(tick);
    psim_sim_free(sim);
    return cycle_releases;
fail:
    psim_string_free(tick);
    psim_sim_free(sim);
    return -1;
}

/* A copy of `text` with the first `from` replaced by `to` (NULL when absent; caller frees). */
static char *replace_once(const char *text, const char *from, const char *to) {
    const char *at = strstr(text, from);
    size_t head, size;
    char *copy;
    if (at == NULL) {
        return NULL;
    }
    head = (size_t)(at - text);
    size = strlen(text) - strlen(from) + strlen(to) + 1;
    copy = malloc(size);
    if (copy != NULL) {
        memcpy(copy, text, head);
        strcpy(copy + head, to);
        strcat(copy, at + strlen(from));
    }
    return copy;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "examples/c/gridlock_ring.json";
    char *config = read_file(path);
    char *without_lsm;
    int ok;

    if (config == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    printf("With the LSM:\n");
    ok = run_ring(config, "LSM on", 1) == 4;

    /* The same configuration with multilateral offsetting switched off. */
    without_lsm = replace_once(config, "\"multilateral\": true", "\"multilateral\": false");
    if (without_lsm != NULL) {
        printf("Without multilateral offsetting:\n");
        ok = run_ring(without_lsm, "LSM off", 0) == 0 && ok;
    }
    free(without_lsm);
    free(config);
    printf(ok ? "gridlock resolved by the LSM\n" : "FAILED\n");
    return ok ? 0 : 1;
}
