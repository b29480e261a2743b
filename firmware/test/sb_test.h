/*
 * Test harness: cmocka on the host (ASan/UBSan builds), and a small
 * cmocka-compatible runner on the RISC-V target under QEMU, where cmocka is
 * not available. The tests use only the subset defined here.
 */
#ifndef SPINEBALL_SB_TEST_H
#define SPINEBALL_SB_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef SB_MINI_HARNESS
#include <cmocka.h>
#else
typedef void (*sb_test_fn)(void **state);
struct CMUnitTest {
    const char *name;
    sb_test_fn test_func;
};
static jmp_buf sb_mini_jump;
#define cmocka_unit_test(f) {#f, f}
#define print_message(...) printf(__VA_ARGS__)
#define fail_msg(...)                                                                              \
    do {                                                                                           \
        printf("    ERROR: ");                                                                     \
        printf(__VA_ARGS__);                                                                       \
        printf("  (%s:%d)\n", __FILE__, __LINE__);                                                 \
        longjmp(sb_mini_jump, 1);                                                                  \
    } while (0)
#define assert_true(c)                                                                             \
    do {                                                                                           \
        if (!(c)) fail_msg("%s is not true", #c);                                                  \
    } while (0)
#define assert_false(c)                                                                            \
    do {                                                                                           \
        if (c) fail_msg("%s is not false", #c);                                                    \
    } while (0)
#define assert_int_equal(a, b)                                                                     \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_) fail_msg("%s: %lld != %lld", #a, a_, b_);                                    \
    } while (0)
#define assert_int_not_equal(a, b)                                                                 \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ == b_) fail_msg("%s: %lld == %lld", #a, a_, b_);                                    \
    } while (0)
#define assert_in_range(v, lo, hi)                                                                 \
    do {                                                                                           \
        long long v_ = (long long)(v);                                                             \
        if (v_ < (long long)(lo) || v_ > (long long)(hi)) fail_msg("%s = %lld out of range", #v, v_); \
    } while (0)
#define assert_memory_equal(a, b, n)                                                               \
    do {                                                                                           \
        if (memcmp((a), (b), (n)) != 0) fail_msg("%s differs from %s", #a, #b);                    \
    } while (0)
#define assert_string_equal(a, b)                                                                  \
    do {                                                                                           \
        if (strcmp((a), (b)) != 0) fail_msg("\"%s\" != \"%s\"", (a), (b));                         \
    } while (0)
#define assert_non_null(p) assert_true((p) != NULL)
#define assert_null(p) assert_true((p) == NULL)

static int sb_mini_run(const char *group, const struct CMUnitTest *tests, size_t n)
{
    /* volatile: both survive the longjmp out of a failed test */
    volatile unsigned failed = 0u;
    volatile size_t i;
    printf("[==========] %s: running %u test(s)\n", group, (unsigned)n);
    for (i = 0; i < n; i++) {
        if (setjmp(sb_mini_jump) == 0) {
            tests[i].test_func(NULL);
            printf("[       OK ] %s\n", tests[i].name);
        } else {
            printf("[  FAILED  ] %s\n", tests[i].name);
            failed++;
        }
    }
    printf("%u passed, %u failed\n", (unsigned)(n - failed), (unsigned)failed);
    return failed == 0u ? 0 : 1;
}
#define cmocka_run_group_tests(tests, setup, teardown)                                             \
    sb_mini_run(#tests, tests, sizeof(tests) / sizeof((tests)[0]))
#endif

/* |a − b| ≤ eps for doubles (cmocka's float assert is single precision). */
#define assert_near(a, b, eps)                                                                     \
    do {                                                                                           \
        double a_ = (double)(a), b_ = (double)(b);                                                 \
        if (!(fabs(a_ - b_) <= (double)(eps)))                                                     \
            fail_msg("%s = %.12g, expected %.12g within %g", #a, a_, b_, (double)(eps));           \
    } while (0)

/* Deterministic pseudo-random numbers (xorshift32) for property tests. */
typedef struct {
    uint32_t state;
} sb_rng;

static inline uint32_t sb_rng_next(sb_rng *r)
{
    uint32_t x = r->state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    r->state = x;
    return x;
}

/* Uniform in [0, 1). */
static inline double sb_rng_unit(sb_rng *r)
{
    return (double)sb_rng_next(r) / 4294967296.0;
}

#endif /* SPINEBALL_SB_TEST_H */
