from django.contrib import admin

from annotations.models import Article, ModerationAction, Revision, Sentence


class RevisionInline(admin.TabularInline):
    model = Revision
    fields = ["number", "content_hash", "created_by", "created_at", "segmented_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "source", "published", "created_at"]
    search_fields = ["title", "author", "source"]
    readonly_fields = ["current_revision", "created_by", "created_at"]
    inlines = [RevisionInline]


@admin.register(Sentence)
class SentenceAdmin(admin.ModelAdmin):
    list_display = ["revision", "index", "start", "end", "kind"]
    list_filter = ["kind"]
    list_select_related = ["revision"]


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit log, to read: nobody adds, changes or deletes a row here (the model refuses too)."""

    list_display = ["created_at", "actor_username", "action", "target_type", "target_id", "target_username", "reason"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_username", "target_username", "target_id", "reason"]
    date_hierarchy = "created_at"
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
