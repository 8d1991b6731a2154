"""JSON-LD for each kind of page: one ``@graph`` whose nodes refer to each other by ``@id``.

Built as plain dicts here and serialised by Jinja's ``tojson`` filter, which
escapes ``<``, ``>`` and ``&`` so that no value can close the ``<script>`` block.

schema.org puts review facts on the page, not the text: ``reviewedBy`` and
``lastReviewed`` belong to ``WebPage``, so an article is a ``MedicalWebPage``
whose ``mainEntity`` is the ``BlogPosting``.
"""

from __future__ import annotations

from typing import Any

from generator.clinic_fields import fill_clinic_text
from generator.config import Config
from generator.model import Article, Clinic, Page, Person

Node = dict[str, Any]
Crumb = tuple[str, str]  # (name, absolute URL)


def article_graph(config: Config, article: Article, crumbs: list[Crumb]) -> Node:
    url = config.origin + article.url
    page: Node = {
        "@type": "MedicalWebPage",
        "@id": url + "#webpage",
        "url": url,
        "name": article.title,
        "description": article.description,
        "inLanguage": config.language,
        "isPartOf": _ref(_website_id(config)),
        "breadcrumb": _ref(url + "#breadcrumb"),
        "datePublished": article.published.isoformat(),
        "dateModified": article.modified.isoformat(),
        "mainEntity": _ref(url + "#article"),
    }
    if article.reviewed_by:
        page["reviewedBy"] = _ref(_person_id(config, article.reviewed_by))
    if article.last_reviewed:
        page["lastReviewed"] = article.last_reviewed.isoformat()
    posting: Node = {
        "@type": "BlogPosting",
        "@id": url + "#article",
        "url": url,
        "headline": article.title,
        "description": article.description,
        "datePublished": article.published.isoformat(),
        "dateModified": article.modified.isoformat(),
        "inLanguage": config.language,
        "wordCount": article.word_count,
        "mainEntityOfPage": _ref(url + "#webpage"),
        "publisher": _ref(_clinic_id(config)),
    }
    if article.author:
        posting["author"] = _ref(_person_id(config, article.author))
    if article.image:
        posting["image"] = absolute(config, article.image)
        page["primaryImageOfPage"] = {"@type": "ImageObject", "url": posting["image"]}
    if article.tags:
        posting["keywords"] = ", ".join(tag.name for tag in article.tags)
    if article.category:
        posting["articleSection"] = article.category.name
    people = {p.key: p for p in (article.author, article.reviewed_by) if p is not None}
    nodes = [page, posting, _breadcrumbs(url, crumbs), _website(config), clinic_node(config)]
    nodes += [_person(config, person) for _, person in sorted(people.items())]
    if article.questions:
        nodes.append(_faq(config, url, article))
    return _graph(nodes)


def home_graph(config: Config) -> Node:
    return _graph([_website(config), clinic_node(config)])


def listing_graph(config: Config, url: str, name: str, crumbs: list[Crumb]) -> Node:
    page = {
        "@type": "CollectionPage",
        "@id": url + "#webpage",
        "url": url,
        "name": name,
        "inLanguage": config.language,
        "isPartOf": _ref(_website_id(config)),
        "breadcrumb": _ref(url + "#breadcrumb"),
    }
    return _graph([page, _breadcrumbs(url, crumbs), _website(config), clinic_node(config)])


def page_graph(config: Config, page: Page, crumbs: list[Crumb]) -> Node:
    url = config.origin + page.url
    node = {
        "@type": "WebPage",
        "@id": url + "#webpage",
        "url": url,
        "name": page.title,
        "inLanguage": config.language,
        "isPartOf": _ref(_website_id(config)),
        "breadcrumb": _ref(url + "#breadcrumb"),
    }
    if page.description:
        node["description"] = page.description
    return _graph([node, _breadcrumbs(url, crumbs), _website(config), clinic_node(config)])


def clinic_node(config: Config) -> Node:
    clinic: Clinic = config.clinic
    node: Node = {
        "@type": "MedicalClinic",
        "@id": _clinic_id(config),
        "name": clinic.name,
        "url": clinic.url or config.base_url,
    }
    optional = {
        "telephone": clinic.telephone,
        "email": clinic.email,
        "logo": absolute(config, clinic.logo) if clinic.logo else "",
        "openingHours": list(clinic.opening_hours),
        "medicalSpecialty": list(clinic.medical_specialty),
    }
    node.update({key: value for key, value in optional.items() if value})
    address = clinic.address
    fields = {
        "streetAddress": address.street,
        "addressLocality": address.locality,
        "addressRegion": address.region,
        "postalCode": address.postal_code,
        "addressCountry": address.country,
    }
    if any(fields.values()):
        node["address"] = {"@type": "PostalAddress"} | {k: v for k, v in fields.items() if v}
    return node


def absolute(config: Config, url: str) -> str:
    """A URL as search engines need it: ``/posts/a/`` -> ``https://host/posts/a/``."""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("/"):
        return config.origin + url
    return config.base_url + url


def _website(config: Config) -> Node:
    node = {
        "@type": "WebSite",
        "@id": _website_id(config),
        "url": config.base_url,
        "name": config.title,
        "inLanguage": config.language,
        "publisher": _ref(_clinic_id(config)),
    }
    if config.description:
        node["description"] = config.description
    return node


def _person(config: Config, person: Person) -> Node:
    node: Node = {"@type": "Person", "@id": _person_id(config, person), "name": person.name}
    optional = {
        "honorificSuffix": person.credentials,
        "jobTitle": person.job_title,
        "description": person.bio,
        "url": absolute(config, person.url) if person.url else "",
    }
    node.update({key: value for key, value in optional.items() if value})
    node["worksFor"] = _ref(_clinic_id(config))
    return node


def _breadcrumbs(url: str, crumbs: list[Crumb]) -> Node:
    return {
        "@type": "BreadcrumbList",
        "@id": url + "#breadcrumb",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": link}
            for position, (name, link) in enumerate(crumbs, start=1)
        ],
    }


def _faq(config: Config, url: str, article: Article) -> Node:
    def answer(text: str) -> str:
        return fill_clinic_text(text.strip(), config.clinic, config.language)

    return {
        "@type": "FAQPage",
        "@id": url + "#faq",
        "url": url,
        "isPartOf": _ref(url + "#webpage"),
        "mainEntity": [
            {
                "@type": "Question",
                "name": question.question,
                "acceptedAnswer": {"@type": "Answer", "text": answer(question.answer_text)},
            }
            for question in article.questions
        ],
    }


def _graph(nodes: list[Node]) -> Node:
    return {"@context": "https://schema.org", "@graph": nodes}


def _ref(node_id: str) -> Node:
    return {"@id": node_id}


def _website_id(config: Config) -> str:
    return config.base_url + "#website"


def _clinic_id(config: Config) -> str:
    return config.base_url + "#clinic"


def _person_id(config: Config, person: Person) -> str:
    return f"{config.base_url}#person-{person.key}"
