import django, time, datetime as dt
django.setup()
from django.db import transaction, connection
from automations.timed import run_time_rules
from bench.automations import NOW
timings = []
def wrapper(execute, sql, params, many, context):
    t = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        timings.append((time.perf_counter() - t, sql[:300]))
with transaction.atomic():
    with connection.execute_wrapper(wrapper):
        t=time.perf_counter(); n = run_time_rules(now=NOW+dt.timedelta(hours=1)); print("acted", n, time.perf_counter()-t)
    transaction.set_rollback(True)
timings.sort(reverse=True)
print("total sql", sum(t for t,_ in timings), len(timings))
from collections import defaultdict
agg = defaultdict(lambda: [0,0.0])
for t, s in timings:
    agg[s[:120]][0]+=1; agg[s[:120]][1]+=t
for s,(c,t) in sorted(agg.items(), key=lambda x:-x[1][1])[:12]:
    print(f"{t:.2f}s x{c} {s}")
