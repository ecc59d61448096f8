"""Project-wide constants: the project, datasets, currencies and pairs of BQX ML V3."""

PROJECT = "bqx-ml"
FEATURES_DATASET = "bqx_ml_v3_features_v2"
SOURCE_DATASET = "bqx_bq_uscen1_v2"

CURRENCIES = ["aud", "cad", "chf", "eur", "gbp", "jpy", "nzd", "usd"]
VARIANTS = ["idx", "bqx"]
FEATURE_TYPES = ["agg", "mom", "vol", "reg", "align", "der", "rev", "lag", "regime", "mrt", "cyc", "ext", "div", "tmp"]
