/* Additive (Bahdanau) attention, float and int8 (issue 11):
     float   every PyTorch golden case (golden_add_cases[]) within
             1e-5 * max(1, |torch|), the zero rows of queries that see no
             key exactly 0, in place (out == q where d_v <= d_q) the same
             floats, scratch query == ATTN_ADDITIVE_SCRATCH_F32 == the
             arena's high-water mark;
     int8    bit for bit against a reference written from the header's
             text (INT8 ARITHMETIC, additive attention; ref_s8.h's
             requant, rshift and attention softmax) on random parameters,
             shapes and masks, extreme multipliers included; in place the
             same bytes; query == macro == high-water; the bytes made
             hashed into "checksum int8-additive" (tests/run_suite.sh: the
             same on every build);
     quantizer  every golden case quantized by attn_quantize_additive_s8
             calibrating on the case's own input, run in int8: cosine >=
             0.999 to PyTorch (a case whose keys are all masked: exactly
             the output zero point); its store exactly
             ATTN_ADDITIVE_STORE_S8, its scratch given back.
   (Bad input: tests/test_bad_add.c.) */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "check.h"
#include "golden/golden.h"
#include "ref_s8.h"

#define ADD_TOL 1e-5
#define ADD_COS 0.999
#define GUARD 16
#define SENT ((int8_t)0x5A)

/* FNV-1a over every int8 output the reference cases compare (fixed
   parameters: the same bytes on every core) */
static uint32_t g_hash = 2166136261u;
static unsigned long g_hash_bytes;

static void hash8(const int8_t *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) g_hash = (g_hash ^ (uint8_t)x[i]) * 16777619u;
    g_hash_bytes += (unsigned long)n;
}

static attn_additive_cfg cfg_of(const golden_add_case *c)
{
    attn_additive_cfg g;
    g.seq_q = c->seq_q;
    g.seq_kv = c->seq_kv;
    g.d_q = c->d_q;
    g.d_k = c->d_k;
    g.d_v = c->d_v;
    g.d_attn = c->d_attn;
    return g;
}

static attn_additive_weights_f32 weights_of(const golden_add_case *c)
{
    attn_additive_weights_f32 w;
    w.wq = c->wq;
    w.wk = c->wk;
    w.b = c->b;
    w.v = c->v;
    return w;
}

/* 1 if every key of the case is padded (its queries see none) */
static int all_keys_masked(const golden_add_case *c)
{
    int j;
    if (!c->key_padding) return 0;
    for (j = 0; j < c->seq_kv; j++)
        if (!c->key_padding[j]) return 0;
    return 1;
}

/* ---- float against PyTorch -------------------------------------------------- */

static void golden_float(const golden_add_case *cases)
{
    size_t i;
    char e1[CHECK_E_CHARS], tol[CHECK_E_CHARS];
    double worst_all = 0.0;
    check_e(tol, ADD_TOL, 0);
    for (i = 0; cases[i].name != NULL; i++) {
        const golden_add_case *c = &cases[i];
        attn_additive_cfg cfg = cfg_of(c);
        attn_additive_weights_f32 w = weights_of(c);
        size_t query = 0, macro = ATTN_ADDITIVE_SCRATCH_F32(c->seq_kv, c->d_attn), hw;
        size_t n_out = (size_t)c->seq_q * (size_t)c->d_v, n_q = (size_t)c->seq_q * (size_t)c->d_q;
        size_t n_io = n_out > n_q ? n_out : n_q, r;
        float *out, *io;
        attn_arena arena;
        attn_status st = attn_additive_scratch_f32(&cfg, &query);
        double err;
        int zero_ok = 1, rows = 0;
        if (!check(st == ATTN_OK, "additive golden %s: scratch query: %s", c->name,
                   attn_status_str(st)))
            continue;
        check_pool_reset();
        if (!check_fits(CHECK_FLOATS(n_out) + CHECK_FLOATS(n_io) + query,
                        "additive golden %s (output, in-place copy and scratch)", c->name))
            continue;
        out = check_take_floats(n_out);
        io = check_take_floats(n_io);
        check_take_rest_arena(&arena);
        st = attn_additive_f32(out, c->q, c->k, c->val, c->key_padding, &cfg, &w, &arena);
        if (!check(st == ATTN_OK, "additive golden %s: %s", c->name, attn_status_str(st)))
            continue;
        hw = arena.high_water;
        err = check_max_rel_err(out, c->expected, n_out);
        if (err > worst_all) worst_all = err;
        printf("  %-40s worst err %s  arena %5lu B\n", c->name, check_e(e1, err, 2),
               (unsigned long)hw);
        check(err <= ADD_TOL, "additive golden %s: worst error %s within %s", c->name,
              check_e(e1, err, 3), tol);
        /* a query without a visible key: exactly zeros (PyTorch: NaN) */
        if (all_keys_masked(c)) {
            for (r = 0; r < n_out; r++)
                if (out[r] != 0.0f) zero_ok = 0;
            rows = c->seq_q;
        }
        check(zero_ok && rows == c->all_masked_rows,
              "additive golden %s: %d rows see no key (PyTorch's %d), all exactly 0", c->name,
              rows, c->all_masked_rows);
        check(arena.used == 0 && query == macro && macro == hw,
              "additive golden %s: arena given back, scratch query %lu == macro %lu == "
              "high-water %lu", c->name, (unsigned long)query, (unsigned long)macro,
              (unsigned long)hw);
        /* in place: out == q (each query row read before its output row) */
        if (c->d_v <= c->d_q) {
            memcpy(io, c->q, n_q * sizeof(float));
            st = attn_additive_f32(io, io, c->k, c->val, c->key_padding, &cfg, &w, &arena);
            check(st == ATTN_OK && memcmp(io, out, n_out * sizeof(float)) == 0,
                  "additive golden %s: in place (out == q) gives the same floats: %s", c->name,
                  attn_status_str(st));
        }
    }
    printf("additive golden: worst error over all cases %s\n", check_e(e1, worst_all, 2));
}

/* ---- int8: the reference ------------------------------------------------------ */

/* P[a] for one row (INT8 ARITHMETIC, additive attention) */
static void ref_proj(int32_t *y, const int8_t *x, const attn_additive_proj_s8 *P, int d_in,
                     int d_attn)
{
    int a, c;
    for (a = 0; a < d_attn; a++) {
        i64 sum = 0;
        for (c = 0; c < d_in; c++) sum += ((i64)x[c] - P->in_zp) * P->w[(size_t)a * (size_t)d_in + (size_t)c];
        fit32(sum); /* d_in <= 32768: the sum itself fits */
        y[a] = ref_requant(sat32(sum + (P->bias ? P->bias[a] : 0)), P->mul[a]);
    }
}

typedef struct {
    int32_t *kp;  /* [seq_kv][d_attn] the keys' projections, int16 range */
    int32_t *qp;  /* [d_attn] */
    int32_t *z, *p; /* [seq_kv] scores, Q15 probabilities */
    uint8_t *vis; /* [seq_kv] */
} ref_add_ws;

static void ref_additive(int8_t *out, const int8_t *q, const int8_t *k, const int8_t *val,
                         const uint8_t *pad, const attn_additive_cfg *c,
                         const attn_additive_s8_params *p, const ref_add_ws *w)
{
    int i, j, a, col, da = c->d_attn;
    for (j = 0; j < c->seq_kv; j++) {
        int32_t *kj = w->kp + (size_t)j * (size_t)da;
        ref_proj(kj, k + (size_t)j * (size_t)c->d_k, &p->k, c->d_k, da);
        for (a = 0; a < da; a++) kj[a] = kj[a] > 32767 ? 32767 : kj[a] < -32768 ? -32768 : kj[a];
        w->vis[j] = (uint8_t)!(pad && pad[j]);
    }
    for (i = 0; i < c->seq_q; i++) {
        int8_t *oi = out + (size_t)i * (size_t)c->d_v;
        ref_proj(w->qp, q + (size_t)i * (size_t)c->d_q, &p->q, c->d_q, da);
        for (a = 0; a < da; a++)
            w->qp[a] = w->qp[a] > P2(30) ? (int32_t)P2(30) : w->qp[a] < -P2(30) ? -(int32_t)P2(30) : w->qp[a];
        for (j = 0; j < c->seq_kv; j++) {
            i64 z = 0;
            for (a = 0; a < da; a++) {
                i64 u = (i64)w->qp[a] + w->kp[(size_t)j * (size_t)da + (size_t)a];
                int8_t t = clampq(p->t_zp + ref_rshift(u, (int)p->t_shift));
                z += (i64)p->v[a] * p->tanh_table[t + 128];
            }
            w->z[j] = fit32(z);
        }
        if (!ref_softmax_q15(w->p, NULL, w->z, w->vis, c->seq_kv, p->score_mul)) {
            for (col = 0; col < c->d_v; col++) oi[col] = clampq(p->out_zp);
            continue;
        }
        for (col = 0; col < c->d_v; col++) {
            i64 acc = 0;
            for (j = 0; j < c->seq_kv; j++)
                acc += (i64)w->p[j] * ((i64)val[(size_t)j * (size_t)c->d_v + (size_t)col] - p->val_zp);
            oi[col] = clampq(p->out_zp + (i64)ref_requant(fit32(acc), p->ctx_mul));
        }
    }
}

/* ---- int8: random cases against the reference ------------------------------------ */

#define N_REF_CASES 40

static void fill_qmuls(attn_qmul *m, int n, double f, int any)
{
    int i;
    for (i = 0; i < n; i++) m[i] = any ? qmul_any() : qmul_near(f);
}

static int guard_ok(const int8_t *p)
{
    int i;
    for (i = 0; i < GUARD; i++)
        if (p[i] != SENT) return 0;
    return 1;
}

static void ref_cases(void)
{
    int t, n_masked = 0, n_sat = 0, cases = 0, fails = 0;
    for (t = 0; t < N_REF_CASES; t++) {
        attn_additive_cfg c;
        attn_additive_s8_params p;
        ref_add_ws w = {NULL, NULL, NULL, NULL, NULL};
        int8_t *q = NULL, *k = NULL, *val = NULL, *out = NULL, *want = NULL, *io = NULL;
        int8_t *tab = NULL, *v = NULL, *wq = NULL, *wk = NULL;
        int32_t *bq = NULL, *bk = NULL;
        attn_qmul *mq = NULL, *mk = NULL;
        uint8_t *pad = NULL;
        unsigned char *mem = NULL;
        attn_arena arena;
        attn_status st;
        size_t query = 0, macro, nq, nk, nv, no, nio;
        int any = t % 5 == 4, pad_mode, j, same, g, ip;
        rs_seed(7000u + (uint32_t)t);
        c.seq_q = rs_int(1, 6);
        c.seq_kv = rs_int(1, 12);
        c.d_q = rs_int(1, t % 8 == 3 ? 40 : 16);
        c.d_k = rs_int(1, 16);
        c.d_v = rs_int(1, 12);
        c.d_attn = rs_int(1, t % 8 == 5 ? 33 : 12);
        if (t == 0) c.seq_q = c.seq_kv = c.d_q = c.d_k = c.d_v = c.d_attn = 1;
        pad_mode = t % 7 == 6 ? 2 : t % 3 == 0 ? 0 : 1; /* 2: every key masked */
        nq = (size_t)c.seq_q * (size_t)c.d_q;
        nk = (size_t)c.seq_kv * (size_t)c.d_k;
        nv = (size_t)c.seq_kv * (size_t)c.d_v;
        no = (size_t)c.seq_q * (size_t)c.d_v;
        nio = no > nq ? no : nq;
        macro = ATTN_ADDITIVE_SCRATCH_S8(c.seq_kv, c.d_attn);
        st = attn_additive_scratch_s8(&c, &query);
        while (check_plan("int8 additive reference case %d", t)) {
            q = (int8_t *)check_plan_take(nq);
            k = (int8_t *)check_plan_take(nk);
            val = (int8_t *)check_plan_take(nv);
            out = (int8_t *)check_plan_take(no + GUARD);
            want = (int8_t *)check_plan_take(no);
            io = (int8_t *)check_plan_take(nio + GUARD);
            tab = (int8_t *)check_plan_take(256);
            v = (int8_t *)check_plan_take((size_t)c.d_attn);
            wq = (int8_t *)check_plan_take((size_t)c.d_attn * (size_t)c.d_q);
            wk = (int8_t *)check_plan_take((size_t)c.d_attn * (size_t)c.d_k);
            bq = (int32_t *)check_plan_take((size_t)c.d_attn * sizeof(int32_t));
            bk = (int32_t *)check_plan_take((size_t)c.d_attn * sizeof(int32_t));
            mq = (attn_qmul *)check_plan_take((size_t)c.d_attn * sizeof(attn_qmul));
            mk = (attn_qmul *)check_plan_take((size_t)c.d_attn * sizeof(attn_qmul));
            pad = (uint8_t *)check_plan_take((size_t)c.seq_kv);
            w.kp = (int32_t *)check_plan_take((size_t)c.seq_kv * (size_t)c.d_attn * sizeof(int32_t));
            w.qp = (int32_t *)check_plan_take((size_t)c.d_attn * sizeof(int32_t));
            w.z = (int32_t *)check_plan_take((size_t)c.seq_kv * sizeof(int32_t));
            w.p = (int32_t *)check_plan_take((size_t)c.seq_kv * sizeof(int32_t));
            w.vis = (uint8_t *)check_plan_take((size_t)c.seq_kv);
            mem = (unsigned char *)check_plan_take(query);
        }
        if (!check_planned()) continue;
        rs_fill(q, nq);
        rs_fill(k, nk);
        rs_fill(val, nv);
        rs_fill(tab, 256);
        rs_fill(v, (size_t)c.d_attn);
        rs_fill(wq, (size_t)c.d_attn * (size_t)c.d_q);
        rs_fill(wk, (size_t)c.d_attn * (size_t)c.d_k);
        memset(&p, 0, sizeof p);
        p.q.w = wq;
        p.k.w = wk;
        p.q.bias = t % 4 == 1 ? NULL : bq;
        p.k.bias = t % 3 == 2 ? bk : NULL;
        p.q.mul = mq;
        p.k.mul = mk;
        p.q.in_zp = rs_zp();
        p.k.in_zp = rs_zp();
        p.t_shift = t == 1 ? 0 : t == 2 ? 16 : rs_int(0, 16);
        p.t_zp = rs_zp();
        p.tanh_table = tab;
        p.v = v;
        p.val_zp = rs_zp();
        p.out_zp = rs_zp();
        for (j = 0; j < c.d_attn; j++) {
            bq[j] = any && j == 0 ? INT32_MAX : rs_int(-20000, 20000);
            bk[j] = rs_int(-20000, 20000);
        }
        /* the sums span about 2^7 index steps at the shift: mul ~ 2^(7+shift)
           / (128 * 74 sqrt(d)); any: every documented multiplier and shift */
        fill_qmuls(mq, c.d_attn, ldexp(1.0, (int)p.t_shift) / (74.0 * sqrt((double)c.d_q)), any);
        fill_qmuls(mk, c.d_attn, ldexp(1.0, (int)p.t_shift) / (74.0 * sqrt((double)c.d_k)), any);
        p.score_mul = any ? qmul_any() : qmul_near(40.0 / c.d_attn);
        p.ctx_mul = any ? qmul_any() : qmul_near(1.0 / 32768.0);
        for (j = 0; j < c.seq_kv; j++) pad[j] = (uint8_t)(pad_mode == 2 || (pad_mode == 1 && rs_int(0, 3) == 0));
        if (pad_mode == 2) n_masked++;
        if (any) n_sat++;
        ref_breach = 0;
        ref_additive(want, q, k, val, pad_mode ? pad : NULL, &c, &p, &w);
        memset(out, SENT, no + GUARD);
        attn_arena_init(&arena, mem, query);
        st = attn_additive_s8(out, q, k, val, pad_mode ? pad : NULL, &c, &p, &arena);
        hash8(out, no);
        same = st == ATTN_OK && memcmp(out, want, no) == 0;
        g = guard_ok(out + no);
        cases++;
        if (!check(same && g && ref_breach == 0,
                   "int8 additive case %d (q %d x %d, kv %d x %d / %d, attn %d, shift %d): %s, "
                   "%s%s%s", t, c.seq_q, c.d_q, c.seq_kv, c.d_k, c.d_v, c.d_attn, (int)p.t_shift,
                   attn_status_str(st), same ? "same bytes" : "BYTES DIFFER",
                   g ? "" : ", wrote past the end", ref_breach ? ", a bound breached" : ""))
            fails++;
        check(arena.used == 0 && query == macro && macro == arena.high_water,
              "int8 additive case %d: scratch query %lu == macro %lu == high-water %lu", t,
              (unsigned long)query, (unsigned long)macro, (unsigned long)arena.high_water);
        /* in place: out == q where d_v <= d_q */
        if (c.d_v <= c.d_q) {
            memcpy(io, q, nq);
            memset(io + nq, SENT, nio - nq + GUARD);
            attn_arena_init(&arena, mem, query);
            st = attn_additive_s8(io, io, k, val, pad_mode ? pad : NULL, &c, &p, &arena);
            ip = st == ATTN_OK && memcmp(io, want, no) == 0 && guard_ok(io + nio);
            check(ip, "int8 additive case %d: in place (out == q) the same bytes", t);
        }
    }
    printf("int8 additive: %d reference cases (%d every key masked, %d with any multiplier), "
           "%s\n", cases, n_masked, n_sat, fails ? "SOME DIFFER (FAIL lines above)" : "all matched");
}

/* ---- the quantizer on the golden cases --------------------------------------------- */

static double cosine(const float *a, const float *b, size_t n)
{
    double dot = 0.0, na = 0.0, nb = 0.0;
    size_t i;
    for (i = 0; i < n; i++) {
        dot += (double)a[i] * (double)b[i];
        na += (double)a[i] * (double)a[i];
        nb += (double)b[i] * (double)b[i];
    }
    return na > 0.0 && nb > 0.0 ? dot / sqrt(na * nb) : 0.0;
}

static void golden_int8(const golden_add_case *cases)
{
    size_t i;
    char e1[CHECK_E_CHARS], e2[CHECK_E_CHARS];
    double worst = 1.0;
    printf("int8 additive vs PyTorch (attn_quantize_additive_s8, calibrated on each case's "
           "input)\n");
    for (i = 0; cases[i].name != NULL; i++) {
        const golden_add_case *c = &cases[i];
        attn_additive_cfg cfg = cfg_of(c);
        attn_additive_weights_f32 w = weights_of(c);
        attn_additive_s8_params p;
        attn_additive_qparams io;
        attn_arena store, scratch;
        attn_status st;
        size_t fq = 0, sq8 = 0, work, sbytes = ATTN_ADDITIVE_STORE_S8(c->d_q, c->d_k, c->d_attn);
        size_t nq = (size_t)c->seq_q * (size_t)c->d_q, nk = (size_t)c->seq_kv * (size_t)c->d_k;
        size_t nv = (size_t)c->seq_kv * (size_t)c->d_v, no = (size_t)c->seq_q * (size_t)c->d_v, r;
        int8_t *q8 = NULL, *k8 = NULL, *v8 = NULL, *o8 = NULL;
        float *y = NULL;
        double cs;
        int zero_ok = 1;
        attn_additive_scratch_f32(&cfg, &fq);
        attn_additive_scratch_s8(&cfg, &sq8);
        work = fq + CHECK_FLOATS(no) > sq8 ? fq + CHECK_FLOATS(no) : sq8;
        while (check_plan("int8 additive %s (store, scratch, int8 rows)", c->name)) {
            store.base = (unsigned char *)check_plan_take(sbytes);
            scratch.base = (unsigned char *)check_plan_take(work);
            q8 = (int8_t *)check_plan_take(nq);
            k8 = (int8_t *)check_plan_take(nk);
            v8 = (int8_t *)check_plan_take(nv);
            o8 = (int8_t *)check_plan_take(no);
            y = (float *)check_plan_take(no * sizeof(float));
        }
        if (!check_planned()) continue;
        attn_arena_init(&store, store.base, sbytes);
        attn_arena_init(&scratch, scratch.base, work);
        st = attn_quantize_additive_s8(&p, &io, &cfg, &w, c->q, c->k, c->val, c->key_padding, 1,
                                       &store, &scratch);
        if (!check(st == ATTN_OK, "int8 additive %s: quantizer: %s", c->name, attn_status_str(st)))
            continue;
        check(store.used == sbytes && scratch.used == 0 &&
                  scratch.high_water == fq + CHECK_FLOATS(no),
              "int8 additive %s: store %lu B == ATTN_ADDITIVE_STORE_S8 %lu B, scratch given back "
              "(peak %lu B == the float block's + its outputs)", c->name, (unsigned long)store.used,
              (unsigned long)sbytes, (unsigned long)scratch.high_water);
        attn_quantize_s8(q8, c->q, (int)nq, io.q);
        attn_quantize_s8(k8, c->k, (int)nk, io.k);
        attn_quantize_s8(v8, c->val, (int)nv, io.val);
        attn_arena_init(&scratch, scratch.base, sq8);
        st = attn_additive_s8(o8, q8, k8, v8, c->key_padding, &cfg, &p, &scratch);
        if (!check(st == ATTN_OK, "int8 additive %s: %s", c->name, attn_status_str(st))) continue;
        check(scratch.high_water == sq8 && sq8 == ATTN_ADDITIVE_SCRATCH_S8(c->seq_kv, c->d_attn),
              "int8 additive %s: scratch query == macro == high-water (%lu B)", c->name,
              (unsigned long)sq8);
        attn_dequantize_s8(y, o8, (int)no, io.out);
        if (all_keys_masked(c)) {
            for (r = 0; r < no; r++)
                if (o8[r] != io.out.zero_point || y[r] != 0.0f) zero_ok = 0;
            printf("  %-40s every key masked: zero point, 0.0 %s\n", c->name,
                   zero_ok ? "everywhere" : "NOT everywhere");
            check(zero_ok, "int8 additive %s: every row the output zero point (0.0)", c->name);
            continue;
        }
        cs = cosine(y, c->expected, no);
        if (cs < worst) worst = cs;
        printf("  %-40s cos %s  (output step %s, t_shift %d)\n", c->name, check_e(e1, cs, 6),
               check_e(e2, (double)io.out.scale, 2), (int)p.t_shift);
        check(cs >= ADD_COS, "int8 additive %s: cosine %s >= %s", c->name, check_e(e1, cs, 6),
              check_e(e2, ADD_COS, 3));
    }
    printf("int8 additive: worst cosine %s\n", check_e(e1, worst, 6));
}

void test_additive(void)
{
    const golden_add_case *cases = golden_add_table();
    const golden_left_out_entry *left = golden_add_left_out_table();
    size_t i, n = 0, nl = 0;
    unsigned long bytes = 0;
    for (i = 0; cases[i].name != NULL; i++) {
        n++;
        bytes += cases[i].data_bytes;
    }
    for (i = 0; left[i].name != NULL; i++) nl++;
    printf("additive attention: %lu of %lu PyTorch cases in this build, %lu B of data\n",
           (unsigned long)n, (unsigned long)(n + nl), bytes);
    for (i = 0; left[i].name != NULL; i++)
        check_left_out("additive golden %s: its data takes %lu B of flash, GOLDEN_ADD_FLASH_LIMIT "
                       "is %lu B", left[i].name, left[i].data_bytes,
                       (unsigned long)GOLDEN_ADD_FLASH_LIMIT);
    ref_make_table();
    golden_float(cases);
    ref_cases();
    golden_int8(cases);
    printf("checksum int8-additive: %lu bytes, FNV-1a %08lx\n", g_hash_bytes,
           (unsigned long)g_hash);
}
