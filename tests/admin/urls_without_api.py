"""Test URLs: the admin alone, as when the API has no endpoint for a model."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
