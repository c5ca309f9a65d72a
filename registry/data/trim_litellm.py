#!/usr/bin/env python3
"""Trim a LiteLLM model_prices_and_context_window.json to the bundled snapshot.

Keeps chat models (and OpenAI's Responses-only models, e.g. gpt-5-codex, the
models Codex CLI runs) of the providers clown ships (Anthropic, OpenAI,
Google, DeepSeek, Moonshot, Zhipu, MiniMax, xAI, Qwen) that carry a numeric
input_cost_per_token; the output stays a LiteLLM-format file.

usage: trim_litellm.py <litellm.json> <out.json>
"""
import json
import sys

# litellm_provider values that belong to the providers above. Bedrock and
# Vertex entries are kept only for the vendors' own models (Claude, Gemini).
PROVIDERS = {
    "anthropic", "openai", "gemini", "vertex_ai-language-models", "deepseek",
    "moonshot", "zhipu", "minimax", "xai", "dashscope", "bedrock", "bedrock_converse",
}
VENDOR_PREFIXES = ("claude", "gpt", "o1", "o3", "o4", "chatgpt", "gemini", "deepseek",
                   "kimi", "moonshot", "glm", "minimax", "grok", "qwen", "qwq")


def keep(key, entry):
    # "responses": models served only by the Responses API (gpt-5-codex, gpt-5.x-codex, *-pro).
    if not isinstance(entry, dict) or entry.get("mode") not in ("chat", "responses"):
        return False
    if entry.get("litellm_provider") not in PROVIDERS:
        return False
    price = entry.get("input_cost_per_token")
    if isinstance(price, bool) or not isinstance(price, (int, float)):
        return False
    name = key.rsplit("/", 1)[-1].lower()
    return name.startswith(VENDOR_PREFIXES)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    out = {k: v for k, v in data.items() if keep(k, v)}
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(out, f, indent=4, sort_keys=True)
        f.write("\n")
    print(f"kept {len(out)} of {len(data)} entries", file=sys.stderr)


if __name__ == "__main__":
    main()
