from django.contrib import admin

from annotations.models import Article, Revision, Sentence


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
