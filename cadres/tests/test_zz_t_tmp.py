import time

from cadres import excel_import, services
from cadres.tests.test_excel_import import ImportTestCase, person, xlsx


class Bench(ImportTestCase):
    def test_t(self):
        data = xlsx([person(i) for i in range(2000)])
        timers = {}

        def wrap(mod, name):
            f = getattr(mod, name)

            def w(*a, **k):
                t = time.perf_counter()
                r = f(*a, **k)
                timers[name] = timers.get(name, 0) + time.perf_counter() - t
                return r

            setattr(mod, name, w)

        for n in ("_prepare_import", "audit_record_many", "_derive"):
            wrap(services, n)
        wrap(excel_import, "plan_import")
        wrap(excel_import, "cadre_import_many")
        t = time.perf_counter()
        excel_import.commit_import(acting_user=self.clerk, unit=self.units["a"], data=data)
        total = time.perf_counter() - t
        print(
            {k: round(v, 3) for k, v in timers.items()},
            "total",
            round(total, 3),
            "rows/s",
            round(2000 / total),
        )
