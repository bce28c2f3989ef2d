"""tests/export/byom_models.py - ordinary PyTorch models (their own classes,
attribute names and forward code, as a user writes them) for
tests/export/test_byom.py: tools/export.py's from_module maps them onto
attention.h's models by tracing them with torch.fx, or refuses them."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class MeanNet(nn.Module):
    """(a) Linear input, learned positions [1, max, d] sliced, nn.TransformerEncoder
    (batch_first, post-norm ReLU), mean pooling."""

    def __init__(self, d_in=6, d_model=16, n_classes=5, max_len=8, layers=2):
        super().__init__()
        self.proj = nn.Linear(d_in, d_model)
        self.pos = nn.Parameter(torch.randn(1, max_len, d_model) * 0.1)
        self.enc = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d_model, 2, 32, dropout=0.1, batch_first=True), layers,
            enable_nested_tensor=False)
        self.fc = nn.Linear(d_model, n_classes)

    def forward(self, x, mask=None):
        h = self.proj(x) + self.pos[:, :x.size(1)]
        h = self.enc(h)
        return self.fc(h.mean(dim=1))


class ClsNet(nn.Module):
    """(b) a learned CLS token concatenated in front (torch.cat of the expanded
    parameter), positions added as pos + x, an embedding LayerNorm, first pooling."""

    def __init__(self, d_in=5, d_model=16, n_classes=4, seq=6):
        super().__init__()
        self.inp = nn.Linear(d_in, d_model)
        self.cls = nn.Parameter(torch.randn(1, 1, d_model))
        self.pos_embedding = nn.Parameter(torch.randn(seq + 1, d_model) * 0.1)
        self.ln = nn.LayerNorm(d_model)
        self.transformer = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d_model, 4, 32, dropout=0.0, batch_first=True), 1,
            norm=nn.LayerNorm(d_model), enable_nested_tensor=False)
        self.classifier = nn.Linear(d_model, n_classes)

    def forward(self, x):
        b, n, _ = x.shape
        x = self.inp(x)
        x = torch.cat([self.cls.expand(b, -1, -1), x], dim=1)
        x = self.pos_embedding[:n + 1] + x
        x = self.ln(x)
        x = self.transformer(x)
        return self.classifier(x[:, 0])


class PositionalEncoding(nn.Module):
    """The PyTorch tutorial's sinusoidal table ([max_len, 1, d]: sequence first)."""

    def __init__(self, d_model, max_len=16, dropout=0.1):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        position = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float64) *
                             (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model, dtype=torch.float64)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe.float())

    def forward(self, x):
        x = x + self.pe[:x.size(0)]
        return self.dropout(x)


class TokenNet(nn.Module):
    """(c) nn.Embedding token ids * sqrt(d_model), the tutorial's sinusoidal
    buffer; (g) batch_first=False with transposes around the encoder."""

    def __init__(self, vocab=20, d_model=16, n_classes=3):
        super().__init__()
        self.d_model = d_model
        self.embedding = nn.Embedding(vocab, d_model)
        self.pos_encoder = PositionalEncoding(d_model)
        self.encoder = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d_model, 2, 24, dropout=0.1), 2, enable_nested_tensor=False)
        self.decoder = nn.Linear(d_model, n_classes)

    def forward(self, tokens):
        x = self.embedding(tokens) * math.sqrt(self.d_model)
        x = x.transpose(0, 1)              # [seq, batch, d]
        x = self.pos_encoder(x)
        x = self.encoder(x)
        x = x.transpose(0, 1)
        return self.decoder(x.mean(1))


class ListNet(nn.Module):
    """(d) layers in an nn.ModuleList run by a loop, pre-norm GELU (h), a final
    LayerNorm, (j) attention pooling; positions as an nn.Embedding of arange."""

    def __init__(self, d_in=4, d_model=16, n_classes=3, max_len=10, depth=2):
        super().__init__()
        self.embed = nn.Linear(d_in, d_model)
        self.positions = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList([
            nn.TransformerEncoderLayer(d_model, 2, 32, dropout=0.1, activation="gelu",
                                       batch_first=True, norm_first=True)
            for _ in range(depth)])
        self.norm = nn.LayerNorm(d_model)
        self.attn_pool = nn.Linear(d_model, 1)
        self.head = nn.Linear(d_model, n_classes)

    def forward(self, x):
        idx = torch.arange(x.shape[1], device=x.device)
        x = self.embed(x)
        x += self.positions(idx)
        for blk in self.blocks:
            x = blk(x)
        x = self.norm(x)
        w = torch.softmax(self.attn_pool(x).squeeze(-1), dim=1)
        return self.head((w.unsqueeze(-1) * x).sum(dim=1))


class TinyTranslator(nn.Module):
    """(i) an encoder-decoder on nn.Transformer: token embeddings * sqrt(d),
    learned positions (nn.Embedding of arange), the causal tgt_mask, an output Linear."""

    def __init__(self, src_vocab=12, tgt_vocab=11, d_model=16, max_len=8):
        super().__init__()
        self.d = d_model
        self.src_tok = nn.Embedding(src_vocab, d_model)
        self.tgt_tok = nn.Embedding(tgt_vocab, d_model)
        self.src_pos = nn.Embedding(max_len, d_model)
        self.tgt_pos = nn.Embedding(max_len, d_model)
        self.transformer = nn.Transformer(d_model, 2, 1, 1, 32, dropout=0.1, batch_first=True)
        self.generator = nn.Linear(d_model, tgt_vocab)

    def forward(self, src, tgt):
        s = self.src_tok(src) * math.sqrt(self.d) + self.src_pos(torch.arange(src.size(1)))
        t = self.tgt_tok(tgt) * math.sqrt(self.d) + self.tgt_pos(torch.arange(tgt.size(1)))
        mask = self.transformer.generate_square_subsequent_mask(tgt.size(1))
        return self.generator(self.transformer(s, t, tgt_mask=mask))


class TinyLM(nn.Module):
    """A decoder-only language model: a causal nn.TransformerEncoder stack."""

    def __init__(self, vocab=13, d_model=16, max_len=10):
        super().__init__()
        self.tok = nn.Embedding(vocab, d_model)
        self.pos = nn.Parameter(torch.randn(max_len, d_model) * 0.1)
        self.body = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d_model, 2, 32, dropout=0.0, batch_first=True), 1,
            norm=nn.LayerNorm(d_model), enable_nested_tensor=False)
        self.lm_head = nn.Linear(d_model, vocab)

    def forward(self, tokens):
        n = tokens.shape[1]
        mask = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
        return self.lm_head(self.body(self.tok(tokens) + self.pos[:n], mask=mask))


# ---- models attention.h cannot run -------------------------------------------------


class BatchNormNet(MeanNet):
    """An nn.BatchNorm1d between the pooling and the head."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.bn = nn.BatchNorm1d(self.fc.in_features)

    def forward(self, x):
        h = self.enc(self.proj(x) + self.pos[:, :x.size(1)])
        return self.fc(self.bn(h.mean(dim=1)))


class LstmNet(MeanNet):
    """An nn.LSTM in the middle."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.lstm = nn.LSTM(16, 16, batch_first=True)

    def forward(self, x):
        h, _ = self.lstm(self.proj(x))
        return self.fc(self.enc(h).mean(dim=1))


class SiluFFNet(MeanNet):
    """A hand-written feed-forward with SiLU after the encoder."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.ff1 = nn.Linear(16, 32)
        self.ff2 = nn.Linear(32, 16)

    def forward(self, x):
        h = self.enc(self.proj(x) + self.pos[:, :x.size(1)])
        h = h + self.ff2(F.silu(self.ff1(h)))
        return self.fc(h.mean(dim=1))


class BranchyNet(MeanNet):
    """Data-dependent control flow."""

    def forward(self, x):
        h = self.proj(x)
        if h.sum() > 0:
            h = h + self.pos[:, :x.size(1)]
        return self.fc(self.enc(h).mean(dim=1))


class PatchNet(nn.Module):
    """A ViT: nn.Conv2d patches (flatten(2).transpose(1, 2)), a CLS row, learned
    positions added to all rows, first pooling."""

    def __init__(self, d_model=16, n_classes=3):
        super().__init__()
        self.patch = nn.Conv2d(1, d_model, 4, stride=4)
        self.cls = nn.Parameter(torch.randn(1, 1, d_model))
        self.pos = nn.Parameter(torch.randn(1, 5, d_model) * 0.1)
        self.enc = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d_model, 2, 32, batch_first=True), 1,
            enable_nested_tensor=False)
        self.head = nn.Linear(d_model, n_classes)

    def forward(self, img):
        x = self.patch(img).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        return self.head(self.enc(x)[:, 0])


class SplitTranslator(TinyTranslator):
    """An encoder-decoder that calls nn.Transformer's encoder and decoder in turn
    (as for caching the memory), sequence first, sinusoidal positions."""

    def __init__(self):
        super().__init__()
        self.transformer = nn.Transformer(16, 2, 2, 1, 32, dropout=0.0)
        self.pe = PositionalEncoding(16, max_len=12, dropout=0.0)

    def forward(self, src, tgt):
        s = self.pe((self.src_tok(src) * math.sqrt(self.d)).transpose(0, 1))
        t = self.pe((self.tgt_tok(tgt) * math.sqrt(self.d)).transpose(0, 1))
        memory = self.transformer.encoder(s)
        mask = nn.Transformer.generate_square_subsequent_mask(tgt.size(1))
        h = self.transformer.decoder(t, memory, tgt_mask=mask)
        return self.generator(h.transpose(0, 1))


class PositionalEncoding32(PositionalEncoding):
    """The tutorial's table computed in float32 (not attention.h's bit for bit)."""

    def __init__(self, d_model, max_len=16):
        super().__init__(d_model, max_len)
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.pe = pe
