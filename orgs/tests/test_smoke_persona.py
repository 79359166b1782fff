from orgs.models import Unit
from zugong.testing import PersonaTestCase


class PersonaSmokeTests(PersonaTestCase):
    def test_it_builds_the_tree_with_paths(self):
        a = self.units["a"]
        village = self.units["a_village"]
        assert village.path.startswith(a.path)
        assert Unit.objects.restrict(self.liaison_a, "orgs.view").count() == 2
        assert Unit.objects.restrict(self.clerk, "orgs.view").count() == 6
        assert Unit.objects.restrict(self.sysadmin, "orgs.view").count() == 0
