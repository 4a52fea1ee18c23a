from django.core.management import call_command

from chamber.notify.models import Delivery, Notification


def test_the_demo_fills_inboxes_without_sending(db, reference_data):
    call_command("demo", members=300, seed=3)
    assert Notification.objects.filter(user__username="leader", kind="digest.weekly").exists()
    assert Notification.objects.filter(user__isnull=False).values("user").distinct().count() >= 2
    assert Notification.objects.filter(read_at__isnull=True).exists()
    assert not Delivery.objects.exists()
