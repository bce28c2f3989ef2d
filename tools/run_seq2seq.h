/* run_seq2seq.h - the body of tools/run_seq2seq.c (see there): rs_main()
   runs the model rs_input.h names and prints what tools/export.py compares.
   Included by tools/run_seq2seq.c (the runner of the headers) and by
   tools/quantize_seq2seq.c (its parameters, in memory, RS_S8 defined as
   them), after attention.h, <stdio.h> and the RS_ macros. */
#ifndef RUN_SEQ2SEQ_H
#define RUN_SEQ2SEQ_H

#ifdef RS_FED
#define RS_PATH_WIDTH RS_FED_WIDTH
#else
#define RS_PATH_WIDTH RS_MAX_LEN
#endif

/* An encoder-decoder's source: float input (features or an image) or
   token ids, with segment ids or without. */
#ifdef RS_INPUT
#define RS_IN(s) rs_input[s]
#define RS_SRC(s) NULL
#else
#define RS_IN(s) NULL
#define RS_SRC(s) rs_src[s]
#endif
#ifdef RS_SEG
#define RS_SEGS(s) rs_seg[s]
#else
#define RS_SEGS(s) NULL
#endif

static int rs_check(attn_status st, const char *what, int s)
{
    if (st == ATTN_OK) return 0;
    (void)fprintf(stderr, "error: %s (sample %d): %s\n", what, s, attn_status_str(st));
    return 1;
}

static void rs_tokens(const char *tag, int s, const int *t, int n)
{
    int i;
    printf("%s greedy %d %d", tag, s, n);
    for (i = 0; i < n; i++) printf(" %d", t[i]);
    printf("\n");
}

/* The fed tokens of sample s: rs_fed, or the greedy path (BOS and the
   outputs / the prompt and the outputs), as long as the cache allows. */
static int rs_path[RS_N][RS_PATH_WIDTH];
static int rs_path_len[RS_N];

static void rs_set_path(int s, const int *out, int n)
{
#ifdef RS_FED
    int i;
    (void)out;
    (void)n;
    for (i = 0; i < rs_fed_len[s]; i++) rs_path[s][i] = rs_fed[s][i];
    rs_path_len[s] = rs_fed_len[s];
#else
    int i, k = 0;
#ifdef RS_LM
    for (i = 0; i < rs_src_len[s]; i++) rs_path[s][k++] = rs_src[s][i];
    for (i = 0; i < n && k < rs_src_len[s] + rs_max_out[s] - 1; i++) rs_path[s][k++] = out[i];
#else
    rs_path[s][k++] = RS_BOS;
    for (i = 0; i < n && k < rs_max_out[s]; i++) rs_path[s][k++] = out[i];
#endif
    rs_path_len[s] = k;
#endif
}

/* bytes: the cache's query against its macro and the store's high-water
   mark; the scratch query and the arena's high-water mark against theirs */
static int rs_bytes(const char *tag, size_t cache_query, const attn_arena *store,
                    size_t cache_macro, size_t scratch_query, const attn_arena *arena,
                    size_t scratch_macro)
{
    printf("bytes %s cache %lu query %lu macro %lu / scratch: query %lu high-water %lu macro %lu\n",
           tag, (unsigned long)store->high_water, (unsigned long)cache_query,
           (unsigned long)cache_macro, (unsigned long)scratch_query,
           (unsigned long)arena->high_water, (unsigned long)scratch_macro);
    if (cache_query != cache_macro || store->high_water != cache_macro ||
        scratch_query > scratch_macro || arena->high_water > scratch_query) {
        (void)fprintf(stderr, "error: %s cache or scratch differs from the size macros\n", tag);
        return 1;
    }
    return 0;
}

static unsigned char rs_cache_f32[RS_CACHE_F32] ATTN_ALIGNED;
static unsigned char rs_arena_f32[RS_SCRATCH_F32] ATTN_ALIGNED;

static int rs_run_f32(void)
{
    static int out[RS_MAX_LEN + 1];
    static float logits[RS_VOCAB];
    attn_arena store, arena;
    attn_kv_cache cache;
    size_t cq = 0, sq = 0;
    int s, k, i, n = 0, bad = 0;
    attn_arena_init(&store, rs_cache_f32, sizeof rs_cache_f32);
    attn_arena_init(&arena, rs_arena_f32, sizeof rs_arena_f32);
    bad |= rs_check(attn_kv_cache_bytes_f32(RS_LAYERS, RS_D, RS_MAX_LEN, RS_MAX_MEM, &cq),
                    "attn_kv_cache_bytes_f32", -1);
    bad |= rs_check(attn_kv_cache_init_f32(&cache, RS_LAYERS, RS_D, RS_MAX_LEN, RS_MAX_MEM, &store),
                    "attn_kv_cache_init_f32", -1);
#ifdef RS_LM
    bad |= rs_check(attn_lm_scratch_f32(&RS_CFG, &sq), "attn_lm_scratch_f32", -1);
#else
    bad |= rs_check(attn_seq2seq_scratch_f32(&RS_CFG, &sq), "attn_seq2seq_scratch_f32", -1);
#endif
    if (bad) return 1;
    for (s = 0; s < RS_N; s++) {
#ifdef RS_LM
        bad |= rs_check(attn_lm_greedy_f32(out, &n, rs_max_out[s], rs_src[s], rs_src_len[s],
                                           RS_EOS, &cache, &RS_CFG, &RS_W, &arena),
                        "attn_lm_greedy_f32", s);
#elif defined(RS_FRONT)
        bad |= rs_check(attn_seq2seq_encode_ex_f32(&cache, RS_IN(s), RS_SRC(s), RS_SEGS(s),
                                                   rs_src_len[s], &RS_CFG, &RS_W, &arena),
                        "attn_seq2seq_encode_ex_f32", s);
        if (!bad)
            bad |= rs_check(attn_seq2seq_generate_f32(out, &n, rs_max_out[s], RS_BOS, RS_EOS,
                                                      &cache, &RS_CFG, &RS_W, &arena),
                            "attn_seq2seq_generate_f32", s);
#else
        bad |= rs_check(attn_seq2seq_greedy_f32(out, &n, rs_max_out[s], rs_src[s], rs_src_len[s],
                                                RS_BOS, RS_EOS, &cache, &RS_CFG, &RS_W, &arena),
                        "attn_seq2seq_greedy_f32", s);
#endif
        if (bad) return 1;
        rs_tokens("f32", s, out, n);
        rs_set_path(s, out, n);
#ifdef RS_LM
        bad |= rs_check(attn_kv_cache_reset(&cache), "attn_kv_cache_reset", s);
#elif defined(RS_FRONT)
        bad |= rs_check(attn_seq2seq_encode_ex_f32(&cache, RS_IN(s), RS_SRC(s), RS_SEGS(s),
                                                   rs_src_len[s], &RS_CFG, &RS_W, &arena),
                        "attn_seq2seq_encode_ex_f32", s);
#else
        bad |= rs_check(attn_seq2seq_encode_f32(&cache, rs_src[s], rs_src_len[s], &RS_CFG, &RS_W,
                                                &arena),
                        "attn_seq2seq_encode_f32", s);
#endif
        for (k = 0; k < rs_path_len[s] && !bad; k++) {
#ifdef RS_LM
            bad |= rs_check(attn_lm_step_f32(logits, rs_path[s][k], &cache, &RS_CFG, &RS_W, &arena),
                            "attn_lm_step_f32", s);
#else
            bad |= rs_check(attn_seq2seq_step_f32(logits, rs_path[s][k], &cache, &RS_CFG, &RS_W,
                                                  &arena),
                            "attn_seq2seq_step_f32", s);
#endif
            printf("f32 logits %d %d", s, k);
            for (i = 0; i < RS_VOCAB; i++) printf(" %.9g", (double)logits[i]);
            printf("\n");
        }
        if (bad) return 1;
    }
    return rs_bytes("f32", cq, &store, RS_CACHE_F32, sq, &arena, RS_SCRATCH_F32);
}

#ifdef RS_S8
static unsigned char rs_cache_s8[RS_CACHE_S8] ATTN_ALIGNED;
static unsigned char rs_arena_s8[RS_SCRATCH_S8] ATTN_ALIGNED;

#ifdef RS_INPUT
/* sample s's float input in int8 at the model's src_in_scale / src_in_zp */
static int8_t rs_qin[RS_IN_WIDTH];
#define RS_QIN rs_qin
static int rs_quantize_input(int s)
{
    attn_qparams q;
    q.scale = RS_S8.src_in_scale;
    q.zero_point = RS_S8.src_in_zp;
    return rs_check(attn_quantize_s8(rs_qin, rs_input[s], rs_input_n[s], q), "attn_quantize_s8",
                    s);
}
#else
#define RS_QIN NULL
#define rs_quantize_input(s) 0 /* token ids: nothing to quantize */
#endif

static int rs_run_s8(void)
{
    static int out[RS_MAX_LEN + 1];
    static int8_t logits[RS_VOCAB];
    attn_arena store, arena;
    attn_kv_cache cache;
    size_t cq = 0, sq = 0;
    int s, k, i, n = 0, bad = 0;
    attn_arena_init(&store, rs_cache_s8, sizeof rs_cache_s8);
    attn_arena_init(&arena, rs_arena_s8, sizeof rs_arena_s8);
    bad |= rs_check(attn_kv_cache_bytes_s8(RS_LAYERS, RS_D, RS_MAX_LEN, RS_MAX_MEM, &cq),
                    "attn_kv_cache_bytes_s8", -1);
    bad |= rs_check(attn_kv_cache_init_s8(&cache, RS_LAYERS, RS_D, RS_MAX_LEN, RS_MAX_MEM, &store),
                    "attn_kv_cache_init_s8", -1);
#ifdef RS_LM
    bad |= rs_check(attn_lm_scratch_s8(&RS_CFG, &sq), "attn_lm_scratch_s8", -1);
#else
    bad |= rs_check(attn_seq2seq_scratch_s8(&RS_CFG, &sq), "attn_seq2seq_scratch_s8", -1);
#endif
    if (bad) return 1;
    printf("s8 encoding %.9g %ld\n", (double)RS_S8.logit_scale, (long)RS_S8.logit_zp);
    for (s = 0; s < RS_N; s++) {
#ifdef RS_LM
        bad |= rs_check(attn_lm_greedy_s8(out, &n, rs_max_out[s], rs_src[s], rs_src_len[s],
                                          RS_EOS, &cache, &RS_CFG, &RS_S8, &arena),
                        "attn_lm_greedy_s8", s);
#elif defined(RS_FRONT)
        bad |= rs_quantize_input(s);
        if (!bad)
            bad |= rs_check(attn_seq2seq_encode_ex_s8(&cache, RS_QIN, RS_SRC(s), RS_SEGS(s),
                                                      rs_src_len[s], &RS_CFG, &RS_S8, &arena),
                            "attn_seq2seq_encode_ex_s8", s);
        if (!bad)
            bad |= rs_check(attn_seq2seq_generate_s8(out, &n, rs_max_out[s], RS_BOS, RS_EOS,
                                                     &cache, &RS_CFG, &RS_S8, &arena),
                            "attn_seq2seq_generate_s8", s);
#else
        bad |= rs_check(attn_seq2seq_greedy_s8(out, &n, rs_max_out[s], rs_src[s], rs_src_len[s],
                                               RS_BOS, RS_EOS, &cache, &RS_CFG, &RS_S8, &arena),
                        "attn_seq2seq_greedy_s8", s);
#endif
        if (bad) return 1;
        rs_tokens("s8", s, out, n);
#ifdef RS_LM
        bad |= rs_check(attn_kv_cache_reset(&cache), "attn_kv_cache_reset", s);
#elif defined(RS_FRONT)
        bad |= rs_check(attn_seq2seq_encode_ex_s8(&cache, RS_QIN, RS_SRC(s), RS_SEGS(s),
                                                  rs_src_len[s], &RS_CFG, &RS_S8, &arena),
                        "attn_seq2seq_encode_ex_s8", s);
#else
        bad |= rs_check(attn_seq2seq_encode_s8(&cache, rs_src[s], rs_src_len[s], &RS_CFG, &RS_S8,
                                               &arena),
                        "attn_seq2seq_encode_s8", s);
#endif
        for (k = 0; k < rs_path_len[s] && !bad; k++) {
#ifdef RS_LM
            bad |= rs_check(attn_lm_step_s8(logits, rs_path[s][k], &cache, &RS_CFG, &RS_S8, &arena),
                            "attn_lm_step_s8", s);
#else
            bad |= rs_check(attn_seq2seq_step_s8(logits, rs_path[s][k], &cache, &RS_CFG, &RS_S8,
                                                 &arena),
                            "attn_seq2seq_step_s8", s);
#endif
            printf("s8 logits %d %d", s, k);
            for (i = 0; i < RS_VOCAB; i++) printf(" %d", logits[i]);
            printf("\n");
        }
        if (bad) return 1;
    }
    return rs_bytes("s8", cq, &store, RS_CACHE_S8, sq, &arena, RS_SCRATCH_S8);
}
#endif

/* The float model, then the int8 one (along the float's fed tokens). */
static int rs_main(void)
{
    if (rs_run_f32()) return 1;
#ifdef RS_S8
    if (rs_run_s8()) return 1;
#endif
    return fflush(stdout) != 0;
}

#endif /* RUN_SEQ2SEQ_H */
