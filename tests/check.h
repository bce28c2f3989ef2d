/* check.h - the test runner's tiny harness: named checks, counted. */
#ifndef CHECK_H
#define CHECK_H

#include <stddef.h>

/* Records one check; prints it when it fails (or always when verbose).
   Returns ok so callers can stop early. */
int check(int ok, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* max |got - want| / max(1, |want|) over n values; NaN in got counts as inf. */
double check_max_rel_err(const float *got, const float *want, size_t n);
/* 1 if every value is finite. */
int check_all_finite(const float *x, size_t n);

/* Deterministic pseudo-random floats in [lo, hi). */
void check_seed(unsigned seed);
float check_uniform(float lo, float hi);
void check_fill(float *x, size_t n, float lo, float hi);

/* The test groups, each in its own file. */
void test_golden(void);
void test_properties(void);
void test_bad_input(void);

#endif
