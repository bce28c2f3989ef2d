// attention_hello - attention.h in an Arduino sketch (any board: the
// library is one header, plain C99 that compiles as C++).
// Causal self-attention over four tokens, two heads: every key is the same
// row, so each query weighs the keys it may see (0..i) equally and its
// output is the mean of those values. The sketch checks that and prints
// it on Serial.

#define ATTN_IMPLEMENTATION // in exactly one file of the sketch
#include <attention.h>

#define SEQ 4
#define D 8

static float q[SEQ * D], k[SEQ * D], v[SEQ * D], out[SEQ * D];
static uint8_t scratch[ATTN_SDPA_SCRATCH_F32(SEQ)] ATTN_ALIGNED;

void setup()
{
    Serial.begin(115200);
    for (int i = 0; i < SEQ; i++)
        for (int j = 0; j < D; j++) {
            q[i * D + j] = 0.25f * (float)(i - j);
            k[i * D + j] = 0.5f * (float)j;           // the same row for every key
            v[i * D + j] = (float)(10 * i + j);
        }
    attn_mha_cfg cfg = { SEQ, SEQ, D, 2, 1, 0 };      // seq_q, seq_kv, d, heads, causal, window
    attn_arena arena;
    attn_arena_init(&arena, scratch, sizeof scratch);
    attn_status st = attn_sdpa_f32(out, q, k, v, NULL, &cfg, &arena);
    Serial.print("attn_sdpa_f32: ");
    Serial.println(attn_status_str(st));

    bool ok = st == ATTN_OK;
    for (int i = 0; i < SEQ; i++)
        for (int j = 0; j < D; j++) {
            float mean = 0.0f;
            for (int t = 0; t <= i; t++) mean += v[t * D + j];
            mean /= (float)(i + 1);
            float e = out[i * D + j] - mean;
            if (e > 1e-4f || e < -1e-4f) ok = false;
        }
    Serial.print("token 3, first value: ");
    Serial.println(out[3 * D], 4); // the mean of 0, 10, 20, 30: 15
    Serial.println(ok ? "attention_hello: ok" : "attention_hello: FAILED");
}

void loop() {}
