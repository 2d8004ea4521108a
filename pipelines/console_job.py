"""`sedetect console`: serve the analyst console and its HTTP API.

    sedetect console --host 127.0.0.1 --port 8080 [--tokens FILE] [--queue DB] [--model-uri URI]
"""
from __future__ import annotations

import argparse
from typing import Optional


def run(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="sedetect console", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--tokens", default=None, help="file of name:token[:role] lines, role analyst (default) or lead (default: the "
                        "file SEDETECT_CONSOLE_TOKENS names)")
    parser.add_argument("--queue", default=None, help="miss queue (default $SEDETECT_HOME/misses.db)")
    parser.add_argument("--model-uri", default=None, help="model for dissections (default champion)")
    parser.add_argument("--max-upload-mb", type=int, default=25)
    args = parser.parse_args(argv)
    import uvicorn
    from labeling.console import create_app, load_roles, load_tokens
    app = create_app(args.queue, load_tokens(args.tokens), args.model_uri,
                     args.max_upload_mb << 20, load_roles(args.tokens))
    print(f"sedetect console on http://{args.host}:{args.port}/", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0
