"""integrations: Spotify/Last.fm accounts (encrypted tokens), API cache, enrichments

Revision ID: 0002_integrations
Revises: 0002_registry
Create Date: 2026-12-02 02:56:06.252850
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002_integrations'
down_revision: str | None = "0002_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('api_cache',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('cache_key', sa.String(length=400), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_cache')),
    sa.UniqueConstraint('provider', 'cache_key', name=op.f('uq_api_cache_provider_cache_key'))
    )
    with op.batch_alter_table('api_cache', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_cache_expires_at'), ['expires_at'], unique=False)

    op.create_table('artist_enrichments',
    sa.Column('artist_id', sa.Integer(), nullable=False),
    sa.Column('spotify_artist_id', sa.String(length=64), nullable=True),
    sa.Column('spotify_genres', sa.JSON(), nullable=False),
    sa.Column('lastfm_tags', sa.JSON(), nullable=False),
    sa.Column('moods', sa.JSON(), nullable=False),
    sa.Column('similar_artists', sa.JSON(), nullable=False),
    sa.Column('spotify_enriched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lastfm_enriched_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['artist_id'], ['artists.id'], name=op.f('fk_artist_enrichments_artist_id_artists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('artist_id', name=op.f('pk_artist_enrichments'))
    )
    op.create_table('external_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('external_user_id', sa.String(length=200), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=True),
    sa.Column('token_ciphertext', sa.Text(), nullable=True),
    sa.Column('token_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('connected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_external_accounts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_accounts')),
    sa.UniqueConstraint('user_id', 'provider', name=op.f('uq_external_accounts_user_id_provider'))
    )
    with op.batch_alter_table('external_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_external_accounts_user_id'), ['user_id'], unique=False)

    op.create_table('track_enrichments',
    sa.Column('track_id', sa.String(length=64), nullable=False),
    sa.Column('album_image_url', sa.String(length=500), nullable=True),
    sa.Column('preview_url', sa.String(length=500), nullable=True),
    sa.Column('spotify_url', sa.String(length=500), nullable=True),
    sa.Column('spotify_artist_id', sa.String(length=64), nullable=True),
    sa.Column('enriched_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_track_enrichments_track_id_tracks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('track_id', name=op.f('pk_track_enrichments'))
    )



def downgrade() -> None:
    op.drop_table('track_enrichments')
    with op.batch_alter_table('external_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_external_accounts_user_id'))

    op.drop_table('external_accounts')
    op.drop_table('artist_enrichments')
    with op.batch_alter_table('api_cache', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_cache_expires_at'))

    op.drop_table('api_cache')
