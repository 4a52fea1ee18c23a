"""Administrators edit the wording, the WeCom robots and the dues day, and see the
delivery log (filter by status "failed" for what did not reach its recipient)."""

from django.contrib import admin

from .models import Delivery, DuesNoticeDay, Notification, Template, WeComHook


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "channel", "language", "subject"]
    list_filter = ["kind", "channel", "language"]


@admin.register(WeComHook)
class WeComHookAdmin(admin.ModelAdmin):
    list_display = ["organization", "name", "active"]


@admin.register(DuesNoticeDay)
class DuesNoticeDayAdmin(admin.ModelAdmin):
    list_display = ["organization", "month", "day"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created", "kind", "channel", "to", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created", "kind", "name", "subject", "read_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
