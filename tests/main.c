/* The test runner: every group, then one line "N passed, N failed". The same
   files run on the host and under QEMU on each Cortex-M board: the host runs
   every group in one program, a board in four, one per part of the suite
   (check.h: the encoder side, the decoder side, bad input, the attention
   forms of issue 11), each ending with
   its own line. A board build passes its limits as macros (CHECK_POOL_BYTES
   here, GOLDEN_FLASH_LIMIT and GOLDEN_DEC_FLASH_LIMIT in golden.h), and
   whatever does not fit them is listed as left out.

   Adding a test group:
     1. Write tests/test_<name>.c with one entry point `void test_<name>(void)`
        that includes "check.h"; declare it with the others at the end of
        check.h and call it from main() below, inside its part's #ifdef.
     2. Add the file to TEST_SRC in the Makefile (the host builds compile
        TEST_SRC) and to its part's list, TEST_SRC_ENC, _DEC, _BAD or _FORMS (a
        board program compiles its part's files); a new header goes into
        TEST_DEP.
     3. Each check is check(ok, "printf format", ...): it counts one pass or
        one fail and prints the line when it fails (always with -v). main()
        adds them up into the last line, "N passed, N failed", which
        tests/run_suite.sh adds across the host and board runs; the runner's
        exit status is nonzero when anything failed.
     4. Buffers come from the RAM pool, never malloc or big stack arrays (the
        micro:bit's stack is 2 KB): check_pool_reset() at the start of a case,
        then check_take() / check_take_floats() for each buffer; or, when the
        sizes depend on the case, the two-pass check_plan() loop (check.h),
        which counts first and lists the case as left out if it does not fit.
        The pool is CHECK_POOL_BYTES (256 KB on the host; the micro:bit build
        passes -DCHECK_POOL_BYTES=9216), so a case that fits the host may be
        left out on a small board: check_fits() / check_plan() print
        "left out: <case>: needs N B" and count it apart from passes and
        fails; a host build (no board limits) must leave nothing out.
     5. Limits of a board are macros given by its build in the Makefile, per
        program (test_m0 := -DCHECK_POOL_BYTES=..., test-dec_m0_clang :=
        -DGOLDEN_DEC_FLASH_LIMIT=...): test for them with #ifdef, never for
        the board itself.
     6. Deterministic data only (check_seed/check_uniform, or ref_s8.h's
        rs_* for integers): every build must see the same inputs. No float
        conversions in format strings (see check.h): print with check_e().
   Bad input has its own engine (bad_input.h, the bad-input part): a row per
   broken call, no new group needed. Options: -v prints every check, -k runs the rows listed as
   known defects, --bad-input-functions lists the functions with bad-input
   rows (tests/bad_input_coverage.sh). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

/* A build without board limits must run every case: main checks that. */
#if !defined(CHECK_POOL_BYTES) && !defined(GOLDEN_FLASH_LIMIT) && !defined(GOLDEN_DEC_FLASH_LIMIT) && \
    !defined(GOLDEN_ADD_FLASH_LIMIT) && !defined(BLOB_NO_G2P) && !defined(BLOB_NO_DIGITS) && !defined(BLOB_NO_DIGITS_VIT) && \
    !defined(BLOB_TINY_CLASSIFIERS_ONLY) && !defined(BLOB_ROUND_TRIP_BYTES)
#define CHECK_FULL_RUN 1
#else
#define CHECK_FULL_RUN 0
#endif

/* RAM for all test buffers. 256 KB holds the largest group (properties) on
   the host with room to spare; the micro:bit (16 KB RAM) gets 9 KB. */
#ifndef CHECK_POOL_BYTES
#define CHECK_POOL_BYTES (256 * 1024)
#endif
#if CHECK_POOL_BYTES < CHECK_ALIGN
#error "CHECK_POOL_BYTES must hold at least one CHECK_ALIGN block"
#endif

/* the parts of the suite this program runs (check.h), for its first line */
#if defined(CHECK_PART_ENCODER) && defined(CHECK_PART_DECODER) && defined(CHECK_PART_BAD_INPUT) && \
    defined(CHECK_PART_FORMS) && defined(CHECK_PART_BLOB)
#define PARTS ""
#else
#ifdef CHECK_PART_ENCODER
#define PART_ENC " encoder side"
#else
#define PART_ENC ""
#endif
#ifdef CHECK_PART_DECODER
#define PART_DEC " decoder side"
#else
#define PART_DEC ""
#endif
#ifdef CHECK_PART_BAD_INPUT
#define PART_BAD " bad input"
#else
#define PART_BAD ""
#endif
#ifdef CHECK_PART_FORMS
#define PART_FORMS " attention forms"
#else
#define PART_FORMS ""
#endif
#ifdef CHECK_PART_BLOB
#define PART_BLOB " model blobs"
#else
#define PART_BLOB ""
#endif
#define PARTS ":" PART_ENC PART_DEC PART_BAD PART_FORMS PART_BLOB " (the other parts are programs of their own)"
#endif

static unsigned char g_pool[CHECK_POOL_BYTES] ATTN_ALIGNED;
/* Only whole CHECK_ALIGN blocks are handed out, so the free space is always a
   multiple of CHECK_ALIGN (and an arena over it loses nothing to rounding). */
#define POOL_USABLE (sizeof g_pool / CHECK_ALIGN * CHECK_ALIGN)
static size_t g_pool_used;
static int g_passed, g_failed, g_left_out, g_verbose, g_known, g_run_known;
static unsigned g_rng = 1;
/* stdout's buffer: static, so stdio never mallocs one (see check.h). */
static char g_stdout_buf[256];

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

void check_left_out(const char *fmt, ...)
{
    va_list ap;
    g_left_out++;
    printf("  left out: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

void check_known_defect(const char *fmt, ...)
{
    va_list ap;
    g_known++;
    printf("  left out: known defect: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

int check_known_defects_run(void) { return g_run_known; }

/* ---- the RAM pool -------------------------------------------------------- */

void check_pool_reset(void) { g_pool_used = 0; }

size_t check_pool_free(void) { return POOL_USABLE - g_pool_used; }

size_t check_block(size_t bytes)
{
    if (bytes > SIZE_MAX - (CHECK_ALIGN - 1)) return SIZE_MAX;
    return (bytes + (CHECK_ALIGN - 1)) / CHECK_ALIGN * CHECK_ALIGN;
}

void *check_take(size_t bytes)
{
    size_t n = check_block(bytes);
    void *p;
    if (n > check_pool_free()) return NULL;
    p = g_pool + g_pool_used;
    g_pool_used += n;
    return p;
}

float *check_take_floats(size_t n)
{
    if (n > SIZE_MAX / sizeof(float)) return NULL;
    return (float *)check_take(n * sizeof(float));
}

static int vcheck_fits(size_t bytes, const char *fmt, va_list ap)
{
    if (bytes <= check_pool_free()) return 1;
    g_left_out++;
    printf("  left out: ");
    vprintf(fmt, ap);
    printf(": needs %lu B of RAM, the pool has %lu B free (CHECK_POOL_BYTES %lu)\n",
           (unsigned long)bytes, (unsigned long)check_pool_free(),
           (unsigned long)sizeof g_pool);
    return 0;
}

int check_fits(size_t bytes, const char *fmt, ...)
{
    va_list ap;
    int ok;
    va_start(ap, fmt);
    ok = vcheck_fits(bytes, fmt, ap);
    va_end(ap);
    return ok;
}

/* ---- planning a case's buffers (check.h) ------------------------------------
   g_plan: 0 between cases, 1 while the first pass counts, 2 while the second
   takes; g_plan_need: the bytes counted; g_planned: the last case's outcome. */
static int g_plan, g_planned;
static size_t g_plan_need;

int check_plan(const char *fmt, ...)
{
    va_list ap;
    int fits;
    switch (g_plan) {
    case 0: /* first pass: count */
        check_pool_reset();
        g_plan_need = 0;
        g_plan = 1;
        return 1;
    case 1: /* second pass: take, if it fits */
        check_pool_reset();
        va_start(ap, fmt);
        fits = vcheck_fits(g_plan_need, fmt, ap);
        va_end(ap);
        g_plan = fits ? 2 : 0;
        g_planned = 0;
        return fits;
    default: /* done */
        g_plan = 0;
        g_planned = 1;
        return 0;
    }
}

void *check_plan_take(size_t bytes)
{
    size_t n;
    if (g_plan == 2) return check_take(bytes);
    n = check_block(bytes);
    g_plan_need = n > SIZE_MAX - g_plan_need ? SIZE_MAX : g_plan_need + n;
    return NULL;
}

int check_planned(void) { return g_planned; }

void check_take_rest_arena(attn_arena *arena)
{
    size_t n = check_pool_free();
    attn_arena_init(arena, check_take(n), n);
}

/* ---- numbers -------------------------------------------------------------- */

/* Writes v in decimal, zero-padded to at least `width` digits; returns the
   end. (Not sprintf: newlib's string printf is a second 10 KB copy of printf.) */
static char *put_digits(char *p, unsigned long v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0 || n < width);
    while (n > 0) *p++ = tmp[--n];
    return p;
}

const char *check_e(char *buf, double v, int digits)
{
    unsigned long scale = 1, r;
    int e = 0, i;
    char *p = buf;
    if (digits < 0) digits = 0;
    if (digits > 9) digits = 9;
    if (v != v) return strcpy(buf, "nan");
    if (signbit(v)) { /* -0.0 too, as printf */
        *p++ = '-';
        v = -v;
    }
    if (v > 1.7976931348623157e308) {
        strcpy(p, "inf");
        return buf;
    }
    for (i = 0; i < digits; i++) scale *= 10;
    if (v != 0.0) { /* v = m * 10^e, 1 <= m < 10, by steps (no pow: denormals) */
        while (v >= 10.0) { v /= 10.0; e++; }
        while (v < 1.0) { v *= 10.0; e--; }
    }
    r = (unsigned long)(v * (double)scale + 0.5);
    if (r >= 10 * scale) { /* 9.996 -> 10.00: one more power of ten */
        r /= 10;
        e++;
    }
    p = put_digits(p, r / scale, 1);
    if (digits > 0) {
        *p++ = '.';
        p = put_digits(p, r % scale, digits);
    }
    *p++ = 'e';
    *p++ = e < 0 ? '-' : '+';
    p = put_digits(p, (unsigned long)(e < 0 ? -e : e), 2);
    *p = '\0';
    return buf;
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
    int a;
    setvbuf(stdout, g_stdout_buf, _IOLBF, sizeof g_stdout_buf);
    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "-v") == 0) g_verbose = 1;
        if (strcmp(argv[a], "-k") == 0) g_run_known = 1;
        if (strcmp(argv[a], "--bad-input-functions") == 0) {
#ifdef CHECK_PART_BAD_INPUT
            bad_input_functions();
#endif
            return 0;
        }
    }
    printf("attention.h tests (RAM pool %lu B)%s\n", (unsigned long)POOL_USABLE, PARTS);
#if defined(CHECK_PART_ENCODER) || defined(CHECK_PART_FORMS)
    test_golden(); /* the encoder table's cases of the parts this program holds */
#endif
#ifdef CHECK_PART_ENCODER
    test_properties();
#endif
#ifdef CHECK_PART_BAD_INPUT
    test_bad_input();
#endif
#ifdef CHECK_PART_ENCODER
    test_s8();
#endif
#ifdef CHECK_PART_FORMS
    test_s8_forms();
#endif
#if defined(CHECK_PART_ENCODER) || defined(CHECK_PART_FORMS)
    test_quant(); /* the golden cases of the parts this program holds */
#endif
#ifdef CHECK_PART_ENCODER
    test_fast();
    test_hardening();
    test_fuzz_found();
#endif
#ifdef CHECK_PART_DECODER
    test_decoder();
#endif
#ifdef CHECK_PART_FORMS
    test_additive();
#endif
#ifdef CHECK_PART_BLOB
    test_blob();
#endif
#if CHECK_FULL_RUN
    check(g_left_out == 0, "a build without board limits runs every case (%d left out)",
          g_left_out);
#endif
    printf("%d left out (do not fit this board)\n", g_left_out);
    if (g_known) printf("%d left out as known defects (-k runs them)\n", g_known);
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed != 0;
}
