"""A mixed-traffic `wrk` run: reads, verifications, searches and a trickle of writes.

The Lua script is generated with the request data inlined (wrk's Lua has no JSON), and
each wrk thread prepares its raw requests once with `wrk.format`. Every request draws its
kind at random with the weights of `MIX`. Writes suspend and reinstate certificates of a
pool, each wrk thread owning its own slice. A certificate gets a new write only once the
answer to its last one has come back (which also says whether it is now suspended), so two
writes to one certificate never race: the server may commit concurrent writes in any order.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

# Per mille of requests, in the order the script draws them. 90 % certificate fetch and
# verification, 9 % search, 1 % writes.
MIX: tuple[tuple[str, int], ...] = (
    ("credential", 300),  # GET /credentials/{id}: the signed credential
    ("certificate_api", 150),  # GET /api/v1/certificates/{code}: status and history
    ("certificate_page", 100),  # GET /certificates/{code}: the public HTML page
    ("verify", 350),  # POST /api/v1/verify with a real credential
    ("search", 90),  # GET /api/v1/providers?q=...
    ("write", 10),  # POST /api/v1/certificates/{id}/suspend|reinstate (secretariat)
)


@dataclass
class MixData:
    certificates: list[tuple[str, str]]  # (crt_ id, RM- code) to read
    credentials: list[bytes]  # signed credentials to verify
    searches: list[str]  # already URL-encoded query strings, e.g. "q=manila%20bright"
    writes: list[str]  # crt_ ids to suspend and reinstate (valid, active)
    token: str  # a secretariat bearer token
    threads: int = 1
    mix: tuple[tuple[str, int], ...] = MIX  # another mix, e.g. one kind alone


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def _lua_list(items: list[str]) -> str:
    return "{" + ",".join(_lua_string(item) for item in items) + "}"


def lua_script(data: MixData) -> str:
    """The whole wrk script; every string is inlined as a Lua long bracket."""
    if not (data.certificates and data.credentials and data.searches and data.writes):
        raise ValueError("the mix needs certificates, credentials, searches and writes")
    for text in [
        *data.searches,
        *data.writes,
        data.token,
        *(c for pair in data.certificates for c in pair),
    ]:
        if "]==]" in text or "\n" in text:
            raise ValueError(f"cannot inline {text[:40]!r}")
    bodies = [b.decode("utf-8") for b in data.credentials]
    if any("]==]" in b for b in bodies):
        raise ValueError("a credential cannot be inlined")
    thresholds, total = [], 0
    for name, weight in data.mix:
        total += weight
        thresholds.append(f"{{{_lua_string(name)}, {total}}}")
    ids = [c[0] for c in data.certificates]
    codes = [c[1] for c in data.certificates]
    return _TEMPLATE.format(
        ids=_lua_list(ids),
        codes=_lua_list(codes),
        bodies=_lua_list(bodies),
        searches=_lua_list(data.searches),
        writes=_lua_list(data.writes),
        token=_lua_string(data.token),
        mix="{" + ",".join(thresholds) + "}",
        threads=max(1, data.threads),
        total=total,
    )


_TEMPLATE = """
local ids = {ids}
local codes = {codes}
local bodies = {bodies}
local searches = {searches}
local writes = {writes}
local token = {token}
local mix = {mix}
local threads = {{}}
local counter = 1

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + tid * 7919)
  non2xx = 0
  statuses = {{}}
  sent = {{}}
  for _, m in ipairs(mix) do sent[m[1]] = 0 end
  local json = {{["Content-Type"] = "application/json"}}
  local auth = {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}}
  req = {{credential = {{}}, certificate_api = {{}}, certificate_page = {{}}, verify = {{}},
         search = {{}}}}
  for i, id in ipairs(ids) do
    req.credential[i] = wrk.format("GET", "/credentials/" .. id)
    req.certificate_api[i] = wrk.format("GET", "/api/v1/certificates/" .. codes[i])
    req.certificate_page[i] = wrk.format("GET", "/certificates/" .. codes[i])
  end
  for i, body in ipairs(bodies) do
    req.verify[i] = wrk.format("POST", "/api/v1/verify", json, body)
  end
  for i, q in ipairs(searches) do
    req.search[i] = wrk.format("GET", "/api/v1/providers?" .. q)
  end
  -- This thread's slice of the write pool: every nth certificate, n = number of threads.
  pool, suspend, reinstate, pending, suspended = {{}}, {{}}, {{}}, {{}}, {{}}
  for i, id in ipairs(writes) do
    if (i - 1) % {threads} == tid - 1 then
      table.insert(pool, id)
      suspend[id] = wrk.format("POST", "/api/v1/certificates/" .. id .. "/suspend", auth,
                               '{{"reason": "load test"}}')
      reinstate[id] = wrk.format("POST", "/api/v1/certificates/" .. id .. "/reinstate", auth,
                                 '{{"reason": "load test"}}')
    end
  end
  written = 0
end

-- The next write: the next certificate of the pool with no write in flight, suspended if
-- it is active and reinstated if suspended (as its last answer said). nil if all are busy.
-- wrk may build a request it never sends (seen for a thread's first one), so a write with
-- no answer after twice the socket timeout counts as never sent.
local function next_write()
  local now = os.time()
  for _ = 1, #pool do
    local id = pool[(written % #pool) + 1]
    written = written + 1
    if not pending[id] or now - pending[id] > 10 then
      pending[id] = now
      return suspended[id] and reinstate[id] or suspend[id]
    end
  end
  return nil
end

function request()
  local r = math.random(0, {total} - 1)
  for _, m in ipairs(mix) do
    if r < m[2] then
      local kind = m[1]
      if kind == "write" then
        local write = next_write()
        if write then
          sent.write = (sent.write or 0) + 1
          return write
        end
        kind = "credential"  -- every write certificate is busy: read instead
      end
      sent[kind] = (sent[kind] or 0) + 1
      local list = req[kind]
      return list[math.random(1, #list)]
    end
  end
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
  -- A write's answer names its certificate first (no read names a write-pool id): clear
  -- its flag and remember the state it is in now.
  local id = body and body:match("crt_%w+")
  if id and pending[id] then
    pending[id] = nil
    local now = body:match('"status":%s*"(%a+)"')
    if now then suspended[id] = (now == "suspended") end
  end
end

function done(summary, latency, requests)
  local bad, sums, codes, kinds, codes_seen = 0, {{}}, {{}}, {{}}, {{}}
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    for name, count in pairs(thread:get("sent")) do sums[name] = (sums[name] or 0) + count end
    for status, count in pairs(thread:get("statuses")) do
      codes[status] = (codes[status] or 0) + count
    end
  end
  for name, count in pairs(sums) do kinds[#kinds + 1] = string.format('"%s": %d', name, count) end
  for status, count in pairs(codes) do
    codes_seen[#codes_seen + 1] = string.format('"%d": %d', status, count)
  end
  local e = summary.errors
  io.write(string.format(
    'RIGHTSMARK_MIX {{"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "mean_us": %d, "non_2xx": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, ' ..
    '"timeout": %d, "sent": [{{%s}}], "statuses": [{{%s}}]}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, bad, e.connect, e.read, e.write, e.timeout,
    table.concat(kinds, ", "), table.concat(codes_seen, ", ")))
end
"""


def run_mix(wrk: str, base: str, data: MixData, seconds: float, connections: int) -> dict[str, Any]:
    """Run the mix; the parsed report, with `errors` (non-2xx + socket errors)."""
    whole = max(1, round(seconds))
    threads = max(1, min(data.threads, connections))
    script = lua_script(replace(data, threads=threads))
    with tempfile.TemporaryDirectory(prefix="rightsmark-mix-") as scratch:
        path = Path(scratch) / "mix.lua"
        path.write_text(script)
        command = [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{whole}s",
            "--timeout",
            "5s",
            "-s",
            str(path),
            base,
        ]
        done = subprocess.run(  # noqa: S603 - the wrk binary, no shell
            command,
            capture_output=True,
            text=True,
            timeout=whole + 120,
            check=False,
            env={**os.environ, "LC_ALL": "C"},
        )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RIGHTSMARK_MIX ")), None)
    if done.returncode != 0 or line is None:
        output = (done.stderr or done.stdout).strip()[-800:]
        raise RuntimeError(f"wrk exited {done.returncode}: {output}")
    raw = json.loads(line.removeprefix("RIGHTSMARK_MIX "))
    sent: dict[str, int] = {}
    for part in raw["sent"]:
        for kind, count in part.items():
            sent[kind] = sent.get(kind, 0) + int(count)
    statuses: dict[str, int] = {}
    for part in raw["statuses"]:
        for status, count in part.items():
            statuses[status] = statuses.get(status, 0) + int(count)
    socket_errors = sum(int(raw[k]) for k in ("connect", "read", "write", "timeout"))
    seconds_run = raw["duration_us"] / 1e6
    return {
        "requests": int(raw["requests"]),
        "seconds": seconds_run,
        "rps": raw["requests"] / seconds_run if seconds_run else 0.0,
        "p50_ms": raw["p50_us"] / 1e3,
        "p90_ms": raw["p90_us"] / 1e3,
        "p99_ms": raw["p99_us"] / 1e3,
        "max_ms": raw["max_us"] / 1e3,
        "mean_ms": raw["mean_us"] / 1e3,
        "non_2xx": int(raw["non_2xx"]),
        "socket_errors": socket_errors,
        "errors": int(raw["non_2xx"]) + socket_errors,
        "sent": sent,
        "statuses": statuses,
        "threads": threads,
        "connections": connections,
    }
