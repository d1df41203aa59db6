#!/usr/bin/env bash
# Offline lint of the deployment files (bash + python3, no Docker daemon, no network).
#   deploy/lint.sh [Dockerfile] [docker-compose.yml]     (defaults: the repository's own files)
# Dockerfile: every FROM pinned to an exact tag or digest (never "latest"), a non-root USER in the final stage,
# HEALTHCHECK, EXPOSE 7860, every download checked with sha256sum (ADD of a URL needs --checksum), no secrets in
# ENV/ARG. docker-compose.yml: valid YAML (PyYAML when installed, else a line-based check), a GPU reservation
# (driver nvidia, capabilities [gpu]), a restart policy, env_file, /models and /data volumes, no plaintext
# passwords. Prints one line per problem; exits 1 when there is any. WD_LINT_NO_YAML=1 forces the line-based check.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dockerfile="${1:-$root/Dockerfile}"
compose="${2:-$root/docker-compose.yml}"
for f in "$dockerfile" "$compose"; do
  [[ -f "$f" ]] || { echo "lint: $f not found" >&2; exit 2; }
done

status=0
python3 - "$dockerfile" "$compose" <<'PY' || status=$?
import os
import re
import sys

dockerfile_path, compose_path = sys.argv[1], sys.argv[2]
problems = []
SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|APIAUTH|CREDENTIAL|PRIVATE_?KEY)", re.I)


def problem(path, line, message):
    problems.append(f"{os.path.basename(path)}:{line}: {message}")


# ---------------------------------------------------------------- Dockerfile
def instructions(path):
    """(line number, INSTRUCTION, arguments) with continuations joined and comments dropped."""
    result, buffer, start = [], "", 0
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not buffer and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if buffer and line.lstrip().startswith("#"):
                continue
            if not buffer:
                start = number
            if line.rstrip().endswith("\\"):
                buffer += line.rstrip()[:-1] + " "
                continue
            buffer += line
            parts = buffer.strip().split(None, 1)
            result.append((start, parts[0].upper(), parts[1] if len(parts) > 1 else ""))
            buffer = ""
    if buffer:
        parts = buffer.strip().split(None, 1)
        result.append((start, parts[0].upper(), parts[1] if len(parts) > 1 else ""))
    return result


def env_pairs(args):
    """ENV/ARG arguments as (name, value) pairs: KEY=VALUE ... or the legacy 'KEY VALUE'."""
    if "=" not in args.split(None, 1)[0]:
        name, _, value = args.partition(" ")
        return [(name.strip(), value.strip())]
    return [(m.group(1), m.group(2)) for m in re.finditer(r'([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)', args)]


def check_dockerfile(path):
    items = instructions(path)
    if not items:
        problem(path, 1, "empty Dockerfile")
        return
    args = {}
    stages = set()
    final_stage_start = max((i for i, (_, ins, _) in enumerate(items) if ins == "FROM"), default=0)
    for index, (line, ins, rest) in enumerate(items):
        if ins == "ARG":
            for name, value in env_pairs(rest):
                args[name] = value.strip('"')
                if SECRET_NAME.search(name) and value.strip('"'):
                    problem(path, line, f"ARG {name} has a default value that looks like a secret; pass secrets at run time")
        elif ins == "FROM":
            words = [w for w in rest.split() if not w.startswith("--")]
            image = words[0] if words else ""
            if len(words) >= 3 and words[1].upper() == "AS":
                stages.add(words[2].lower())
            resolved = re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: args.get(m.group(1), m.group(0)), image)
            if resolved.lower() in stages or resolved == "scratch":
                continue
            if "$" in resolved:
                problem(path, line, f"FROM {image}: the image comes from an ARG without a default; pin it")
                continue
            name, digest = (resolved.split("@", 1) + [""])[:2]
            tag = name.rsplit(":", 1)[1] if ":" in name.rsplit("/", 1)[-1] else ""
            if digest:
                continue
            if not tag:
                problem(path, line, f"FROM {resolved}: no tag; pin an exact version tag (or a digest)")
            elif tag == "latest":
                problem(path, line, f"FROM {resolved}: 'latest' is not a pinned tag")
            elif not re.search(r"\d+\.\d+", tag):
                problem(path, line, f"FROM {resolved}: tag '{tag}' is not an exact version")
        elif ins == "ENV":
            for name, value in env_pairs(rest):
                if SECRET_NAME.search(name) and value.strip('"'):
                    problem(path, line, f"ENV {name} holds a secret in the image; pass it at run time (env_file)")
        elif ins == "ADD" and re.search(r"\bhttps?://", rest) and "--checksum=" not in rest:
            problem(path, line, "ADD of a URL without --checksum=sha256:...")
        elif ins == "RUN" and re.search(r"\b(curl|wget)\b", rest) and re.search(r"https?://|\$\{?[A-Za-z_]", rest):
            if not re.search(r"sha256sum\s+(-c|--check)|sha512sum\s+(-c|--check)", rest):
                problem(path, line, "RUN downloads a file without checking its checksum (sha256sum -c) in the same step")
    final = items[final_stage_start:]
    users = [(line, rest.strip()) for line, ins, rest in final if ins == "USER"]
    if not users:
        problem(path, items[final_stage_start][0], "the final stage has no USER: the container would run as root")
    else:
        line, user = users[-1]
        if user.split(":")[0] in ("root", "0"):
            problem(path, line, f"USER {user} is root")
    checks = [(line, rest) for line, ins, rest in final if ins == "HEALTHCHECK"]
    if not checks:
        problem(path, items[final_stage_start][0], "no HEALTHCHECK in the final stage")
    elif checks[-1][1].strip().upper() == "NONE":
        problem(path, checks[-1][0], "HEALTHCHECK NONE")
    exposed = [p.split("/")[0] for line, ins, rest in final if ins == "EXPOSE" for p in rest.split()]
    if "7860" not in exposed:
        problem(path, items[final_stage_start][0], "EXPOSE 7860 is missing from the final stage")


# ---------------------------------------------------------------- docker-compose.yml
def is_plain_secret(key, value):
    if value is None:
        return False
    value = str(value).strip()
    return bool(SECRET_NAME.search(str(key))) and value != "" and not re.fullmatch(r"\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*", value)


def check_compose_yaml(path, yaml):
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem(path, (mark.line + 1) if mark else 1, f"not valid YAML: {error}")
        return
    services = (doc or {}).get("services") if isinstance(doc, dict) else None
    if not isinstance(services, dict) or not services:
        problem(path, 1, "no services")
        return
    for name, service in services.items():
        service = service or {}
        devices = (((service.get("deploy") or {}).get("resources") or {}).get("reservations") or {}).get("devices") or []
        gpu = [d for d in devices if isinstance(d, dict) and d.get("driver") == "nvidia" and "gpu" in (d.get("capabilities") or [])
               and ("count" in d or "device_ids" in d)]
        if not gpu:
            problem(path, 1, f"service {name}: no GPU reservation (deploy.resources.reservations.devices: driver nvidia, count, capabilities [gpu])")
        if service.get("restart") not in ("always", "unless-stopped", "on-failure"):
            problem(path, 1, f"service {name}: restart policy missing or '{service.get('restart')}' (use unless-stopped)")
        if not service.get("env_file"):
            problem(path, 1, f"service {name}: no env_file (credentials belong in .env, not in the compose file)")
        volumes = " ".join(str(v if not isinstance(v, dict) else v.get("target", "")) for v in service.get("volumes") or [])
        for target in ("/models", "/data"):
            if not re.search(re.escape(target) + r"(:|\s|$)", volumes + " "):
                problem(path, 1, f"service {name}: no volume for {target}")
        environment = service.get("environment") or {}
        pairs = environment.items() if isinstance(environment, dict) else (str(e).partition("=")[::2] for e in environment)
        for key, value in pairs:
            if is_plain_secret(key, value):
                problem(path, 1, f"service {name}: environment {key} is a plaintext secret; put it in .env (env_file)")
        for key, value in ((service.get("build") or {}).get("args") or {}).items() if isinstance(service.get("build"), dict) else []:
            if is_plain_secret(key, value):
                problem(path, 1, f"service {name}: build arg {key} is a plaintext secret")


def check_compose_lines(path):
    """Without PyYAML: tabs, a services key, and the required settings found by pattern."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for number, line in enumerate(lines, 1):
        if "\t" in line[: len(line) - len(line.lstrip())]:
            problem(path, number, "tab in indentation (not valid YAML)")
    text = "\n".join(l for l in lines if not l.lstrip().startswith("#"))
    required = {
        r"^services:\s*$": "no services",
        r"^\s+(-\s+)?driver:\s*['\"]?nvidia['\"]?\s*$": "no GPU reservation (driver: nvidia)",
        r"^\s+(-\s+)?capabilities:\s*\[\s*['\"]?gpu['\"]?\s*\]": "no GPU reservation (capabilities: [gpu])",
        r"^\s+(-\s+)?(count|device_ids):\s*\S+": "no GPU reservation count",
        r"^\s+reservations:\s*$": "no deploy.resources.reservations",
        r"^\s+restart:\s*['\"]?(always|unless-stopped|on-failure)['\"]?\s*$": "restart policy missing (use unless-stopped)",
        r"^\s+env_file:": "no env_file",
        r":/models['\"]?\s*$": "no volume for /models",
        r":/data['\"]?\s*$": "no volume for /data",
    }
    for pattern, message in required.items():
        if not re.search(pattern, text, re.M):
            problem(path, 1, message)
    for number, line in enumerate(lines, 1):
        m = re.match(r"^\s+-?\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)['\"]?\s*[:=]\s*['\"]?([^'\"#]*)", line)
        if m and is_plain_secret(m.group(1), m.group(2)) and not line.strip().startswith("#"):
            problem(path, number, f"{m.group(1)} looks like a plaintext secret; put it in .env (env_file)")


check_dockerfile(dockerfile_path)
yaml = None
if os.environ.get("WD_LINT_NO_YAML") != "1":
    try:
        import yaml  # type: ignore
    except ImportError:
        yaml = None
if yaml is not None:
    check_compose_yaml(compose_path, yaml)
else:
    print("lint: PyYAML not available; line-based docker-compose.yml check", file=sys.stderr)
    check_compose_lines(compose_path)

for p in problems:
    print(p)
print(f"lint: {len(problems)} problem(s)" if problems else "lint: OK")
sys.exit(1 if problems else 0)
PY

# Optional: docker compose's own validation when the plugin exists (no daemon needed) and .env is there.
if [[ $status -eq 0 ]] && [[ -f "$(dirname "$compose")/.env" ]] && docker compose version >/dev/null 2>&1; then
  if ! docker compose -f "$compose" config -q 2>&1; then
    echo "lint: docker compose config rejected $compose"
    exit 1
  fi
fi
exit $status
