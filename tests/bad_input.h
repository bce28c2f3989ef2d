/* bad_input.h - the bad-input engine (bad_input.c): one way to write
   "this call, broken this way, returns this status and writes nothing",
   for every public function of attention.h, float and int8 alike.

   A table (bad_table) has
     a fixture: buffers taken in `layout` (from the RAM pool, through
       check_plan_take, check.h) and a valid call of every operation set up
       by `init` before each row;
     operations: one small function per public function, calling it with
       the fixture's arguments (named by the public function, so that
       tests/bad_input_coverage.sh can tell which functions have rows);
     mutations: each breaks one thing in the fixture (a NULL pointer, a
       size, a parameter, the arena);
     rows: {operation, mutation, the documented status, flags}.
   For each row the engine sets the fixture up, applies the mutation,
   fills every watched buffer's sentinels, lets the table arm the call
   (arena sizes, in-place data), copies every watched buffer with its
   guard bytes, calls, and checks the status and the bytes:
     want != ATTN_OK: every watched byte, guards included, is unchanged
       (the documented writes on error, declared by the operation with
       bad_expect, excepted);
     want == ATTN_OK: no guard byte changed (nothing written past an
       output), and the table's ok_extra check (an exact arena used and
       given back).
   Watched buffers (bad_watch): every output of every operation - arrays,
   the scalars a call returns through a pointer, the arena structs - and
   every in-place input. A row flagged BAD_KNOWN is a known defect: it is
   listed as left out (not run, never counted as passed) until the fix is
   in; `test-... -k` runs those rows too.

   To add a row: one R(op, mutation, status) line in the table's file. A
   public function: its operation in the table's OPS list and an op_
   function; a new way to break things: its mutation in MUTS and a
   function. A table: a bad_table and its line in bad_input.c's list. */
#ifndef BAD_INPUT_H
#define BAD_INPUT_H

#include "attention.h"
#include "check.h"

/* guard bytes after every watched buffer */
#define BAD_GUARD 64
/* the sentinel every BAD_OUT buffer and every guard is filled with */
#define BAD_SENT 0x5A

/* what the engine writes into a watched buffer before each row */
enum {
    BAD_OUT,  /* the sentinel: an output */
    BAD_KEEP  /* nothing: the table's arm hook writes it (in-place data, arenas) */
};

/* row flags */
#define BAD_KNOWN 1 /* a known defect: left out until fixed (-k runs it) */

typedef struct {
    unsigned char op, mut, want, flags;
} bad_row;

typedef struct {
    const char *name; /* the public function it calls */
    attn_status (*call)(void);
} bad_op;

typedef struct {
    const char *name;
    void (*apply)(void);
} bad_mut;

typedef struct {
    const char *title;
    const bad_op *ops;
    int n_ops;
    const bad_mut *muts;
    int n_muts;
    const bad_row *rows;
    int n_rows;
    void (*layout)(void);    /* takes the buffers; runs twice (check_plan) */
    void (*setup)(void);     /* once the buffers are real: constant data */
    void (*init)(void);      /* before each row: a valid call of every op */
    void (*arm)(int op);     /* after the mutation and the sentinels, before the copy */
    int (*ok_extra)(int op); /* valid rows: further checks (1 = they hold), or NULL */
} bad_table;

/* In `layout`: `bytes` for an output or in-place buffer, followed by
   BAD_GUARD guard bytes, from the pool (NULL on the counting pass). */
void *bad_watch(size_t bytes, int kind);
/* In an operation, after its call: a write the documentation promises on
   error (e.g. attn_requantize's *y = 0): `at` must then hold these bytes. */
void bad_expect(const void *at, const void *bytes, size_t n);

/* The tables (test_bad_input.c: float, quantizer, the float decoder half
   and its quantizers; test_bad_s8.c: int8, the int8 decoder half;
   test_bad_add.c: additive attention, float, int8 and its quantizer;
   test_bad_blob.c: the model blobs' writers and loaders). */
extern const bad_table bad_table_f32, bad_table_quant, bad_table_s8, bad_table_dec_f32,
    bad_table_dec_s8, bad_table_dec_quant, bad_table_add, bad_table_blob;

#endif
