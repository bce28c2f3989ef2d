/* The test runner: every group, then one line "N passed, N failed". The same
   program runs on the host and under QEMU on each Cortex-M board. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

static int g_passed, g_failed, g_verbose;
static unsigned g_rng = 1;

int check(int ok, const char *fmt, ...)
{
    va_list ap;
    if (ok) g_passed++;
    else g_failed++;
    if (!ok || g_verbose) {
        printf("%s ", ok ? "  ok  " : "  FAIL");
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
    return ok;
}

double check_max_rel_err(const float *got, const float *want, size_t n)
{
    double worst = 0.0;
    size_t i;
    for (i = 0; i < n; i++) {
        double ref = (double)want[i];
        double e = fabs((double)got[i] - ref) / (fabs(ref) > 1.0 ? fabs(ref) : 1.0);
        if (e != e) e = HUGE_VAL;
        if (e > worst) worst = e;
    }
    return worst;
}

int check_all_finite(const float *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!(x[i] == x[i]) || x[i] > 3.4e38f || x[i] < -3.4e38f) return 0;
    return 1;
}

void check_seed(unsigned seed) { g_rng = seed ? seed : 1; }

float check_uniform(float lo, float hi)
{
    g_rng = g_rng * 1664525u + 1013904223u;
    return lo + (hi - lo) * (float)(g_rng >> 8) * (1.0f / 16777216.0f);
}

void check_fill(float *x, size_t n, float lo, float hi)
{
    size_t i;
    for (i = 0; i < n; i++) x[i] = check_uniform(lo, hi);
}

int main(int argc, char **argv)
{
    g_verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    printf("attention.h tests\n");
    test_golden();
    test_properties();
    test_bad_input();
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed != 0;
}
